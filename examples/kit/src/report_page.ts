/** The HTML report (packages/report) of an example run: one run per model row, plus the closed-loop section. */
import type { ResultDoc } from '@prunekit/core';
import type {
  ReportClosedLoop,
  ReportClosedLoopEvent,
  ReportClosedLoopRow,
  ReportData,
} from '@prunekit/report';
import type { SearchStepLike } from './closed_loop_report.js';

/** The fields every example's model row has. */
export interface ReportableRow {
  readonly model: string;
  readonly level: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  readonly effectiveMacs: number;
  readonly fileBytes: number;
  readonly latencyB1MedianMs: number;
}

export function exampleReport(
  doc: ResultDoc,
  rows: readonly ReportableRow[],
  accuracy: (row: ReportableRow) => number,
  closedLoop?: ReportClosedLoop,
): ReportData {
  const env: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(doc.env))
    if (['string', 'number', 'boolean'].includes(typeof v)) env[k] = v as string | number | boolean;
  return {
    title: `${doc.name} — pruning results`,
    created: new Date().toISOString(),
    env,
    runs: rows.map((r) => ({
      name: r.model,
      level: r.level,
      params: r.params,
      nonzero: r.nonzeroParams,
      macs: r.macs,
      sparseMacs: r.effectiveMacs,
      bytes: 4 * r.params,
      fileBytes: r.fileBytes,
      accuracy: accuracy(r),
      latencyMs: { wasm: r.latencyB1MedianMs },
    })),
    ...(closedLoop ? { closedLoop } : {}),
    notes: doc.goals.map((g) => `goal ${g.name}: ${g.value.toFixed(4)} (target ${g.op} ${g.target})`),
  };
}

/** The figures of a sequential verdict that its report row shows (structurally a ClosedLoopVerdict). */
export interface SequentialVerdictLike {
  readonly decision: string;
  readonly scenarios: number;
  readonly looks: number;
  readonly lookConfidence: number;
  readonly events: readonly {
    readonly pruned: number;
    readonly ratePruned: number;
    readonly interval: { readonly ratio: number; readonly lower: number; readonly upper: number };
  }[];
}

/**
 * The report row of a sequential test's verdict on `model` (its primary event): decision, look, the
 * corrected confidence; `exposure` is what the model drove, `batch` the scenarios per look.
 */
export function sequentialRow(
  model: string,
  v: SequentialVerdictLike,
  exposure: number,
  batch: number,
): ReportClosedLoopRow {
  const e = v.events[0];
  return {
    model: `${model}: sequential test (${v.decision}, look ${Math.ceil(v.scenarios / batch)} of ${v.looks}, ${+(100 * v.lookConfidence).toFixed(2)}% CI; the goal)`,
    exposure,
    events: e.pruned,
    rate: e.ratePruned,
    ratio: e.interval.ratio,
    lower: e.interval.lower,
    upper: e.interval.upper,
  };
}

/**
 * The closed-loop section of the report from an example's safety settings, rows and search log;
 * `also`: further events reported beside the guarded one (e.g. hard braking).
 */
export function collisionSection(
  safety: { readonly test: string; readonly confidence: number; readonly maxRatio: number },
  unit: string,
  per: number,
  rows: readonly ReportClosedLoopRow[],
  steps: readonly SearchStepLike[],
  also: readonly ReportClosedLoopEvent[] = [],
): ReportClosedLoop {
  return {
    event: 'collision',
    unit,
    per,
    test:
      safety.test === 'poisson-exact' ? 'exact conditional Poisson test' : 'paired bootstrap over scenarios',
    confidence: safety.confidence,
    maxRatio: safety.maxRatio,
    rows,
    search: steps.map((st) => `${st.candidate} / ${st.stage}: ${st.decision} — ${st.message}`),
    ...(also.length ? { also } : {}),
  };
}
