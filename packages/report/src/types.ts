/** What a report shows. Plain JSON values only: the whole object is embedded in the HTML. */

/** One layer of one model variant. */
export interface ReportLayer {
  readonly name: string;
  readonly className: string;
  readonly params: number;
  /** Nonzero parameters (masks leave zeros; surgery removes them). */
  readonly nonzero: number;
  readonly macs: number;
  /** Output channels / units, when the layer has them. */
  readonly channels?: number;
}

/** One model variant: the dense baseline or a pruned result. */
export interface ReportRun {
  readonly name: string;
  /** Target sparsity or channel ratio the run was asked for (0 for the dense model). */
  readonly level: number;
  readonly params: number;
  readonly nonzero: number;
  readonly macs: number;
  /** MACs touching a nonzero weight. */
  readonly sparseMacs: number;
  /** float32 bytes of the parameters. */
  readonly bytes: number;
  /** Bytes of model.json + weight files as written, when saved. */
  readonly fileBytes?: number;
  /** Evaluation metric (accuracy, 0..1), when data was available. */
  readonly accuracy?: number;
  /** Median latency of one forward pass per backend, milliseconds. */
  readonly latencyMs?: Readonly<Record<string, number>>;
  readonly layers?: readonly ReportLayer[];
  /** Where the model was written, relative to the report. */
  readonly path?: string;
}

/** One layer pruned alone: the metric at each ratio. */
export interface ReportSensitivityCurve {
  readonly layer: string;
  readonly points: readonly { readonly ratio: number; readonly metric: number }[];
}

/** A sensitivity analysis: its granularity, the dense baseline metric and one curve per layer. */
export interface ReportSensitivity {
  readonly granularity: 'weights' | 'channels';
  readonly baseline: number;
  readonly curves: readonly ReportSensitivityCurve[];
}

/** One model's paired closed-loop comparison with the dense policy (same scenarios). */
export interface ReportClosedLoopRow {
  readonly model: string;
  /** Exposure driven (km, episodes …). */
  readonly exposure: number;
  /** Events of the guarded kind (e.g. collisions). */
  readonly events: number;
  /** Events per `per` units of exposure. */
  readonly rate: number;
  /** rate / the dense policy's rate, with its interval. */
  readonly ratio: number;
  readonly lower: number;
  readonly upper: number;
}

/** A further event of the closed-loop section, reported beside the guarded one (not guarded). */
export interface ReportClosedLoopEvent {
  /** e.g. 'hard_brake'. */
  readonly event: string;
  readonly rows: readonly ReportClosedLoopRow[];
}

/** Closed-loop safety figures: rate ratios against the dense policy with confidence intervals. */
export interface ReportClosedLoop {
  /** e.g. 'collision'. */
  readonly event: string;
  readonly unit: string;
  readonly per: number;
  /** The statistical test the intervals come from, in words. */
  readonly test: string;
  readonly confidence: number;
  /** The largest allowed ratio (upper bound) of the guard. */
  readonly maxRatio: number;
  readonly rows: readonly ReportClosedLoopRow[];
  /** What a search tried and why each step was rejected (one line each). */
  readonly search?: readonly string[];
  /** Further events with their rates and ratios (same unit, test and confidence; not guarded). */
  readonly also?: readonly ReportClosedLoopEvent[];
}

/** One allocation plan of a deadline comparison: its measured and predicted latency and its score. */
export interface ReportDeadlinePlan {
  /** e.g. 'dense', 'uniform', 'MACs-driven', 'deadline-aware' (one colour per name). */
  readonly name: string;
  readonly measuredMs: number;
  readonly predictedMs?: number;
  /** Task score (higher is better); absent when the run measured latency only. */
  readonly score?: number;
}

/** One layer of the deadline section: its latency-table figure and its calibrated prediction. */
export interface ReportDeadlineLayer {
  readonly layer: string;
  readonly className: string;
  /** The table's entry: the layer timed alone, net of one call's overhead. */
  readonly tableMs: number;
  /** Its share of the calibrated whole-model prediction. */
  readonly predictedMs?: number;
}

/** The deadline-aware pruning section of a report (from bench:deadline or `prunekit prune --budget-ms`). */
export interface ReportDeadline {
  readonly backend: string;
  readonly batch: number;
  readonly budgetMs?: number;
  /** Name of the score (e.g. accuracy, mIoU). */
  readonly metric?: string;
  /** Which model the per-layer figures are of (default 'deadline-aware'). */
  readonly layersOf?: string;
  readonly layers: readonly ReportDeadlineLayer[];
  readonly plans: readonly ReportDeadlinePlan[];
}

/** Everything a report shows: title, environment, one row per model run, and optional sensitivity and closed-loop and deadline sections. */
export interface ReportData {
  readonly title: string;
  /** ISO time the run finished. */
  readonly created: string;
  readonly env: Readonly<Record<string, string | number | boolean>>;
  /** The dense model first, then the pruned variants. */
  readonly runs: readonly ReportRun[];
  readonly sensitivity?: ReportSensitivity;
  readonly closedLoop?: ReportClosedLoop;
  readonly deadline?: ReportDeadline;
  /** Free-form notes (one line each) shown under the summary. */
  readonly notes?: readonly string[];
}

/** A Chart.js configuration (JSON only, no callbacks) with a heading. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly config: Record<string, unknown>;
}

/** The JSON inside <script type="application/json" id="report-data">. */
export interface EmbeddedReport {
  readonly version: 1;
  readonly report: ReportData;
  readonly charts: readonly ChartSpec[];
}
