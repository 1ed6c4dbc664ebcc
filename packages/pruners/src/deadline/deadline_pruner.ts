import {
  createRng,
  createStatsCache,
  type DataSource,
  InvalidArgumentError,
  type ModelGraph,
  roundRobinLatency,
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
import {
  type LatencyModelOptions,
  type LayerPrediction,
  type LayerRef,
  latencyModel,
} from './latency_model.js';
import { modelInputs, type TimingOptions, timeModel } from './measure.js';
import {
  refineWidths,
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
  /**
   * After the greedy walk, exchange widths between groups while the prediction stays within the
   * target and less score is lost (refineWidths). Default true.
   */
  readonly refine?: boolean;
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
  const refine = opts.refine ?? true;
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
  // Per width assignment, its layers as table keys: a cost is then a sum over the table as it is
  // now, so re-timing the table (retime) re-prices every assignment already visited.
  const refsCache = new Map<string, LayerRef[]>();
  const refsOf = async (w: Widths) => {
    const key = widthsKey(w);
    let r = refsCache.get(key);
    if (r === undefined) {
      const m = await build(w);
      r = lm.layers(m);
      m.dispose();
      refsCache.set(key, r);
    }
    return r;
  };
  let cal: LatencyCalibration | undefined;
  // The table's own total: net layer entries plus one call's overhead (see latencyModel).
  const raw = (sums: ReadonlyMap<string, number>) =>
    [...sums.values()].reduce((a, x) => a + x, 0) +
    (table.overheadMs ? entryMs(table.overheadMs, percentile) : 0);
  const predictOf = (sums: ReadonlyMap<string, number>) => (cal ? calibratedMs(sums, cal) : raw(sums));
  const sumsOfRefs = (refs: readonly LayerRef[]) => classSums(lm.predictLayers(refs).perLayer);
  const cost = async (w: Widths) => predictOf(sumsOfRefs(await refsOf(w)));

  progress('dense', 0);
  const verifyReps = opts.verifyReps ?? 60;
  const denseRefs = lm.layers(model);
  const asMeasured = (ms: number): LatencyEntry => ({ medianMs: ms, p99Ms: ms, reps: 0 });
  const timeWhole = (m: tfl.LayersModel) => measureLatency(m, batch, { ...opts.timing, reps: verifyReps });
  const nCal = verify ? (opts.calibrate ?? 6) : 0;
  const calWidths = nCal > 0 ? sampleWidths(groups, nCal, opts.seed ?? 0, opts.search?.maxPerGroup) : [];
  const calRefs = await Promise.all(calWidths.map(refsOf));
  let denseMeasured: LatencyEntry = asMeasured(0);
  // Whole-model measurements the calibration is fit on, as table keys (re-priced after a retime).
  let fitOn: { refs: readonly LayerRef[]; measuredMs: number; source: LatencySample['source'] }[] = [];
  const samplesNow = (): LatencySample[] =>
    fitOn.map((f) => ({
      perLayer: lm.predictLayers(f.refs).perLayer,
      measuredMs: f.measuredMs,
      source: f.source,
    }));
  // Times the dense model and the calibration widths round-robin (one load for all of them) and
  // fits the calibration on them and on the missed rounds so far.
  const calibrateNow = async () => {
    if (!verify) {
      denseMeasured = asMeasured(raw(sumsOfRefs(denseRefs)));
      return;
    }
    const models = [model, ...(await Promise.all(calWidths.map(build)))];
    try {
      lm.prepare(models);
      const xs = modelInputs(model, batch);
      try {
        const all = roundRobinLatency(
          models,
          xs.length === 1 ? xs[0] : xs,
          verifyReps,
          opts.timing?.warmup ?? 5,
          opts.timing?.clock,
        );
        denseMeasured = all[0];
        if (nCal === 0) return;
        fitOn = [
          { refs: denseRefs, measuredMs: entryMs(all[0], percentile), source: 'dense' },
          ...calRefs.map((refs, i) => ({
            refs,
            measuredMs: entryMs(all[i + 1], percentile),
            source: 'sample' as const,
          })),
          ...fitOn.filter((f) => f.source === 'round'),
        ];
      } finally {
        tf.dispose(xs);
      }
    } finally {
      for (const m of models.slice(1)) m.dispose();
    }
    progress('calibrate', 0);
    cal = fitCalibration(samplesNow());
  };
  await calibrateNow();
  const budgetMs = opts.budget.ms;
  // Search in predicted units: the prediction of the last measured model over its measurement
  // corrects what the (calibrated) table still gets wrong near the widths being chosen.
  const denseTarget = () =>
    budgetMs * (predictOf(sumsOfRefs(denseRefs)) / entryMs(denseMeasured, percentile));
  let target = denseTarget();
  // The walk times the widths it visits one by one, each under its own moment's load. When it timed
  // any, every entry is re-timed in one round-robin pass, the calibration refit on fresh
  // whole-model runs, and the walk repeated once (its visited widths are cached), so the widths
  // chosen rest on entries that share one load. A supplied `measure` strategy has no load.
  const timed = lm.measured;
  let path = await widthSearch(groups, cost, { ...(opts.search ?? {}), target });
  if (verify && !opts.measure && lm.measured > timed) {
    lm.retime();
    await calibrateNow();
    target = denseTarget();
    path = await widthSearch(groups, cost, { ...(opts.search ?? {}), target });
  }
  const log: DeadlineRound[] = [];
  let best: { model: tfl.LayersModel; widths: Widths; predicted: number; measured: LatencyEntry } | undefined;
  for (let round = 0; round < rounds; round++) {
    progress('search', round);
    if (round > 0) path = await widthSearch(groups, cost, { ...(opts.search ?? {}), target });
    const walked = path[path.length - 1];
    // The walk only ever narrows; exchanges between groups (refineWidths) then keep more score
    // within the same predicted target.
    const last =
      refine && walked.cost <= target
        ? await refineWidths(groups, cost, walked.widths, target, opts.search ?? {})
        : walked;
    progress('verify', round);
    const m = await build(last.widths);
    const measured = verify ? timeWhole(m) : asMeasured(last.cost);
    log.push({ round, targetMs: target, predictedMs: last.cost, measured });
    const ms = entryMs(measured, percentile);
    if (best) best.model.dispose();
    best = { model: m, widths: last.widths, predicted: last.cost, measured };
    if (ms <= budgetMs || last.cost > target) break; // met, or the widths cannot go lower
    if (cal) {
      fitOn.push({ refs: await refsOf(last.widths), measuredMs: ms, source: 'round' });
      cal = fitCalibration(samplesNow());
    }
    target = budgetMs * ((await cost(last.widths)) / ms); // below cost(last): the next walk goes further
  }
  const densePredicted = predictOf(sumsOfRefs(denseRefs));
  const samples = samplesNow();
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
