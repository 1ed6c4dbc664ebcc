import {
  createRng,
  createStatsCache,
  type DataSource,
  InvalidArgumentError,
  type ModelGraph,
  type ScoreContext,
  type Scorer,
  scoreTarget,
} from '@prunekit/core';
import { analyzeChannels, buildGraph, removeChannels } from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  createLatencyTable,
  entryMs,
  type LatencyEntry,
  type LatencyPercentile,
  type LatencyTable,
} from './latency_table.js';
import {
  calibratedMs,
  classSums,
  fitCalibration,
  type LatencyCalibration,
  type LatencySample,
  sampleWidths,
} from './calibration.js';
import { type LatencyModelOptions, type LayerPrediction, latencyModel } from './latency_model.js';
import { modelInputs, type TimingOptions, timeModel } from './measure.js';
import {
  removalFor,
  type ScoredWidthGroup,
  type WidthSearchOptions,
  type Widths,
  widthSearch,
  widthsKey,
} from './width_search.js';

/**
 * The latency a deadlinePrune result must fit: milliseconds per forward call at a percentile, backend and
 * batch.
 */
export interface DeadlineBudget {
  /** The frame budget: forward latency in milliseconds. */
  readonly ms: number;
  /** Which latency must fit: the median ('p50', default) or the 99th percentile. */
  readonly percentile?: LatencyPercentile;
  /** The backend the budget is for; the active tfjs backend must be it (asserted). */
  readonly backend?: string;
  /** Batch size of one call. Default: the table's, else 1. */
  readonly batch?: number;
}

/** What deadlinePrune reports through onProgress: phase, round and latency entries timed so far. */
export interface DeadlineProgress {
  readonly phase: 'dense' | 'calibrate' | 'search' | 'verify';
  readonly round: number;
  /** Latency-table entries timed so far. */
  readonly measured: number;
}

/**
 * Options of deadlinePrune: scorer, latency budget, latency table to reuse, layers to ignore, search and
 * timing settings.
 */
export interface DeadlinePrunerOptions {
  /** Scores each group's channels (any group scorer); the search loses the least of it per ms. */
  readonly scorer: Scorer;
  readonly budget: DeadlineBudget;
  /** A table from an earlier run (same backend/batch) to start from; it grows with what is timed. */
  readonly table?: LatencyTable;
  /** Names the device in a new table (e.g. the CPU model); default 'unknown'. */
  readonly device?: string;
  readonly ignore?: readonly string[];
  readonly pruneOutputs?: boolean;
  readonly seed?: number;
  readonly data?: DataSource;
  readonly context?: Partial<Omit<ScoreContext, 'graph' | 'rng'>>;
  readonly search?: Omit<WidthSearchOptions, 'target'>;
  /** Plan → build → measure rounds before giving up on the budget. Default 3. */
  readonly rounds?: number;
  /** How missing table entries are obtained (default: timed on the active backend); see latencyModel. */
  readonly measure?: LatencyModelOptions['measure'];
  /**
   * Build and measure the chosen model (default true). Off only for planning against a table of
   * another device (e.g. a recorded webgl table): the result then says measured = predicted.
   */
  readonly verify?: boolean;
  /** Timing of each table entry (reps, warm-up). */
  readonly timing?: TimingOptions;
  /** Timed calls when verifying a whole model. Default 60. */
  readonly verifyReps?: number;
  /**
   * Whole-model runs at sampled widths that calibrate the per-layer table before the search
   * (see fitCalibration); every verification round is added to the fit too. Default 6; 0 = use
   * the table's sum as it is (a correction by the dense model's ratio only). Needs `verify`.
   */
  readonly calibrate?: number;
  readonly onProgress?: (p: DeadlineProgress) => void;
}

/**
 * One plan–build–measure round of deadlinePrune: the target it searched for, the predicted and measured
 * latency.
 */
export interface DeadlineRound {
  readonly round: number;
  /** The predicted-latency target this round searched for. */
  readonly targetMs: number;
  readonly predictedMs: number;
  readonly measured: LatencyEntry;
}

/**
 * What deadlinePrune returns: the smaller model, the kept width per group, predicted and measured
 * latency, and its rounds.
 */
export interface DeadlineResult {
  /** The new, smaller model (the input model is untouched). */
  readonly model: tfl.LayersModel;
  /** Kept width of every prunable group. */
  readonly widths: readonly { group: string; roots: readonly string[]; size: number; kept: number }[];
  readonly predictedMs: number;
  /** The final model's measured latency (the figure the budget is checked on; reps 0 = not verified). */
  readonly measured: LatencyEntry;
  readonly measuredMs: number;
  readonly met: boolean;
  readonly dense: { readonly predictedMs: number; readonly measured: LatencyEntry };
  readonly rounds: readonly DeadlineRound[];
  /**
   * Per layer of the final model: `ms` its table entry (timed alone, net of one call's overhead),
   * `calibratedMs` its share under the whole-model calibration (= ms when not calibrated).
   */
  readonly perLayer: readonly (LayerPrediction & { readonly calibratedMs: number })[];
  readonly table: LatencyTable;
  /** The table's correction from whole-model runs (absent when not calibrated). */
  readonly calibration?: LatencyCalibration;
  /** Every whole-model measurement made, beside the table's prediction (what the fit used). */
  readonly samples: readonly LatencySample[];
}

/**
 * Scores every prunable group of a model once (the search ranks channels by these), through
 * core's one score check, with one stats cache so a data-driven scorer calibrates once for all
 * groups (as channelPruner does).
 */
export async function scoreWidthGroups(
  graph: ModelGraph,
  groups: readonly ScoredWidthGroup['group'][],
  scorer: Scorer,
  ctx: Omit<ScoreContext, 'graph' | 'rng'> & { seed?: number },
): Promise<ScoredWidthGroup[]> {
  const full: ScoreContext = { statsCache: createStatsCache(), ...ctx, graph, rng: createRng(ctx.seed ?? 0) };
  const out: ScoredWidthGroup[] = [];
  for (const group of groups) {
    out.push({ group, scores: await scoreTarget(scorer, { kind: 'group', group }, full) });
  }
  return out;
}

/** Median / p99 forward latency of a model at `batch` on the current backend. */
export function measureLatency(
  model: tfl.LayersModel,
  batch: number,
  opts: TimingOptions = {},
): LatencyEntry {
  const xs = modelInputs(model, batch);
  try {
    return timeModel(model, xs.length === 1 ? xs[0] : xs, opts);
  } finally {
    tf.dispose(xs);
  }
}

function checkBudget(b: DeadlineBudget | undefined): void {
  if (!b || typeof b.ms !== 'number' || !Number.isFinite(b.ms) || b.ms <= 0) {
    throw new InvalidArgumentError(
      `budget.ms must be a positive number of milliseconds, got ${JSON.stringify(b?.ms)}.`,
      {
        field: 'budget.ms',
      },
    );
  }
  if (b.percentile !== undefined && b.percentile !== 'p50' && b.percentile !== 'p99') {
    throw new InvalidArgumentError(
      `budget.percentile must be 'p50' or 'p99', got ${JSON.stringify(b.percentile)}.`,
      {
        field: 'budget.percentile',
      },
    );
  }
  if (b.backend !== undefined && b.backend !== tf.getBackend()) {
    throw new InvalidArgumentError(
      `budget.backend is '${b.backend}' but the active tfjs backend is '${tf.getBackend()}'; start '${b.backend}' first (latency must be measured on the target).`,
      { field: 'budget.backend' },
    );
  }
}

/**
 * Deadline-aware channel pruning: chooses every group's kept width so the model meets a latency
 * budget measured on the active backend, losing the least importance. Per-layer latencies come
 * from a lookup table (timed on demand, cached in `table`), the widths from a greedy walk over the
 * latency staircase (widthSearch); the chosen model is then built and *measured*, and when it
 * misses, the search target is tightened by the miss and the walk repeated (up to `rounds`).
 */
export async function deadlinePrune(
  model: tfl.LayersModel,
  opts: DeadlinePrunerOptions,
): Promise<DeadlineResult> {
  checkBudget(opts.budget);
  const percentile = opts.budget.percentile ?? 'p50';
  const table =
    opts.table ?? createLatencyTable(tf.getBackend(), opts.device ?? 'unknown', opts.budget.batch ?? 1);
  const batch = opts.budget.batch ?? table.batch;
  if (batch !== table.batch) {
    throw new InvalidArgumentError(
      `budget.batch ${batch} differs from the latency table's batch ${table.batch}; use a table measured at batch ${batch}.`,
      {
        field: 'budget.batch',
      },
    );
  }
  const verify = opts.verify ?? true;
  if (verify && table.backend !== tf.getBackend()) {
    throw new InvalidArgumentError(
      `The latency table was measured on '${table.backend}', the active backend is '${tf.getBackend()}'; the final model must be verified on the target backend.`,
      { field: 'table.backend' },
    );
  }
  const rounds = opts.rounds ?? 3;
  const graph = buildGraph(model);
  const analysis = analyzeChannels(graph, { ignore: opts.ignore, pruneOutputs: opts.pruneOutputs });
  const groups = await scoreWidthGroups(graph, analysis.groups, opts.scorer, {
    ...(opts.context ?? {}),
    ...(opts.data ? { data: opts.data } : {}),
    seed: opts.seed,
  });
  const lm = latencyModel(table, { percentile, timing: opts.timing, measure: opts.measure });
  const progress = (phase: DeadlineProgress['phase'], round: number) =>
    opts.onProgress?.({ phase, round, measured: lm.measured });
  const build = (w: Widths) => removeChannels(analysis, removalFor(groups, w));
  const sumsCache = new Map<string, Map<string, number>>();
  const sumsOf = async (w: Widths) => {
    const key = widthsKey(w);
    let c = sumsCache.get(key);
    if (c === undefined) {
      const m = await build(w);
      c = classSums(lm.predict(m).perLayer);
      m.dispose();
      sumsCache.set(key, c);
    }
    return c;
  };
  let cal: LatencyCalibration | undefined;
  // The table's own total: net layer entries plus one call's overhead (see latencyModel).
  const raw = (sums: ReadonlyMap<string, number>) =>
    [...sums.values()].reduce((a, x) => a + x, 0) +
    (table.overheadMs ? entryMs(table.overheadMs, percentile) : 0);
  const predictOf = (sums: ReadonlyMap<string, number>) => (cal ? calibratedMs(sums, cal) : raw(sums));
  const cost = async (w: Widths) => predictOf(await sumsOf(w));

  progress('dense', 0);
  const verifyReps = opts.verifyReps ?? 60;
  const densePerLayer = lm.predict(model).perLayer;
  const asMeasured = (ms: number): LatencyEntry => ({ medianMs: ms, p99Ms: ms, reps: 0 });
  const timeWhole = (m: tfl.LayersModel) => measureLatency(m, batch, { ...opts.timing, reps: verifyReps });
  const denseMeasured = verify ? timeWhole(model) : asMeasured(raw(classSums(densePerLayer)));
  const samples: LatencySample[] = [];
  const nCal = verify ? (opts.calibrate ?? 6) : 0;
  if (nCal > 0) {
    samples.push({
      perLayer: densePerLayer,
      measuredMs: entryMs(denseMeasured, percentile),
      source: 'dense',
    });
    progress('calibrate', 0);
    for (const w of sampleWidths(groups, nCal, opts.seed ?? 0, opts.search?.maxPerGroup)) {
      const m = await build(w);
      samples.push({
        perLayer: lm.predict(m).perLayer,
        measuredMs: entryMs(timeWhole(m), percentile),
        source: 'sample',
      });
      m.dispose();
    }
    cal = fitCalibration(samples);
  }
  const densePredicted = predictOf(classSums(densePerLayer));
  const budgetMs = opts.budget.ms;
  // Search in predicted units: the prediction of the last measured model over its measurement
  // corrects what the (calibrated) table still gets wrong near the widths being chosen.
  let target = budgetMs * (densePredicted / entryMs(denseMeasured, percentile));
  const log: DeadlineRound[] = [];
  let best: { model: tfl.LayersModel; widths: Widths; predicted: number; measured: LatencyEntry } | undefined;
  for (let round = 0; round < rounds; round++) {
    progress('search', round);
    const path = await widthSearch(groups, cost, { ...(opts.search ?? {}), target });
    const last = path[path.length - 1];
    progress('verify', round);
    const m = await build(last.widths);
    const measured = verify ? timeWhole(m) : asMeasured(last.cost);
    log.push({ round, targetMs: target, predictedMs: last.cost, measured });
    const ms = entryMs(measured, percentile);
    if (best) best.model.dispose();
    best = { model: m, widths: last.widths, predicted: last.cost, measured };
    if (ms <= budgetMs || last.cost > target) break; // met, or the widths cannot go lower
    if (cal) {
      samples.push({ perLayer: lm.predict(m).perLayer, measuredMs: ms, source: 'round' });
      cal = fitCalibration(samples);
    }
    target = budgetMs * ((await cost(last.widths)) / ms); // below cost(last): the next walk goes further
  }
  const final = best!;
  const measuredMs = entryMs(final.measured, percentile);
  return {
    model: final.model,
    widths: groups.map((g) => ({
      group: g.group.id,
      roots: g.group.roots,
      size: g.group.size,
      kept: final.widths.get(g.group.id) ?? g.group.size,
    })),
    predictedMs: cal ? predictOf(classSums(lm.predict(final.model).perLayer)) : final.predicted,
    measured: final.measured,
    measuredMs,
    met: measuredMs <= budgetMs,
    dense: { predictedMs: densePredicted, measured: denseMeasured },
    rounds: log,
    perLayer: lm.predict(final.model).perLayer.map((p) => ({
      ...p,
      calibratedMs: cal ? (cal.scale[p.className] ?? 1) * p.ms : p.ms,
    })),
    table,
    ...(cal ? { calibration: cal } : {}),
    samples,
  };
}
