import {
  type Batch,
  type CalibrationStats,
  createStatsCache,
  type DataSource,
  InvalidArgumentError,
  type ModelGraph,
  missingStats,
  type ScoreContext,
  type Scorer,
  type StatsCache,
  statFields,
} from '@prunekit/core';
import { activationStats } from './activations.js';
import { type LossFn, batches, checkBatch, defaultLoss, modelOf } from './forward.js';
import { lossGradients } from './gradients.js';
import { hutchinsonDiagonal } from './hessian.js';
import { type CalibrationRequest, mergeNeeds } from './needs.js';

/** A scorer that needs calibration data was called without data or precomputed statistics. */
export class CalibrationDataError extends InvalidArgumentError {}

/** Options of calibrate: the loss the gradient statistics come from, and a label for errors. */
export interface CalibrateOptions {
  /** Loss of one batch; default cross-entropy (on softmax outputs, or on logits). */
  readonly loss?: LossFn;
  /** Label of errors (the scorer or caller asking). */
  readonly label?: string;
}

const toF32 = (m: Map<string, Float64Array>): Map<string, Float32Array> =>
  new Map([...m].map(([id, v]) => [id, Float32Array.from(v)]));

/** Reads the data source once into an array of checked batches (probes re-use them). */
async function collect(
  graph: ModelGraph,
  data: DataSource,
  needLabels: boolean,
  label: string,
): Promise<Batch[]> {
  const model = modelOf(graph, label);
  const out: Batch[] = [];
  for await (const b of batches(data, label)) {
    checkBatch(model, b, out.length, needLabels, label);
    out.push(b);
  }
  return out;
}

/**
 * The runner: computes, once, every statistics field the given scorers (or the request) ask for —
 * gradients, squared gradients, the Hutchinson Hessian diagonal, activation statistics — from
 * calibration batches, as typed CalibrationStats to pass to pruners (`context: { stats }`) or
 * scorers. The batches stay the caller's (not disposed); the model's weights are left as they were.
 */
export async function calibrate(
  graph: ModelGraph,
  what: readonly Scorer[] | CalibrationRequest,
  data: DataSource,
  opts: CalibrateOptions = {},
): Promise<CalibrationStats> {
  const req = Array.isArray(what) ? mergeNeeds(what as readonly Scorer[]) : (what as CalibrationRequest);
  const want = new Set(req.fields);
  const label = opts.label ?? 'calibrate';
  const model = modelOf(graph, label);
  const grads = want.has('gradients') || want.has('squaredGradients') || want.has('hessianDiagonal');
  const list = await collect(graph, data, grads, label);
  const loss = opts.loss ?? defaultLoss(model);
  const out: { -readonly [K in keyof CalibrationStats]: CalibrationStats[K] } = {};
  if (want.has('gradients') || want.has('squaredGradients')) {
    const g = lossGradients(graph, model, list, loss, want.has('squaredGradients'));
    if (want.has('gradients')) out.gradients = toF32(g.mean);
    if (g.squared) out.squaredGradients = toF32(g.squared);
  }
  if (want.has('hessianDiagonal')) {
    const probes = req.hessian ?? { probes: 8, seed: 0, epsilon: 1e-3 };
    out.hessianDiagonal = toF32(hutchinsonDiagonal(graph, model, list, loss, probes));
  }
  if (want.has('meanActivation') || want.has('apoz') || want.has('inputNorm')) {
    Object.assign(out, activationStats(graph, model, list));
  }
  return out;
}

const fallback = new WeakMap<object, StatsCache>();

/**
 * The statistics a scorer reads: the context's own maps when they hold them, else computed from
 * ctx.data (once per context object, shared by every target scored with it). Without either, a
 * CalibrationDataError says what to pass.
 */
export async function statsFor(
  ctx: ScoreContext,
  scorer: Pick<Scorer, 'name' | 'needs' | 'hessian'>,
): Promise<CalibrationStats> {
  const fields = statFields(scorer.needs);
  const have = ctx.stats ?? {};
  const missing = missingStats(have, fields);
  if (missing.length === 0) return have;
  if (!ctx.data) {
    throw new CalibrationDataError(
      `Scorer '${scorer.name}' needs ${missing.join(', ')} from calibration data, but got neither data nor precomputed statistics. ` +
        'Pass data (an async iterable of { x, y } batches) to the pruner, or context: { stats } from calibrate(graph, [scorer], data).',
      { scorer: scorer.name, missing },
    );
  }
  // The pruner's cache when it gave one (one per graph it scores); else one per context object.
  let cache = ctx.statsCache;
  if (!cache) {
    cache = fallback.get(ctx) ?? createStatsCache();
    fallback.set(ctx, cache);
  }
  const hessian = missing.includes('hessianDiagonal') ? scorer.hessian : undefined;
  const data = ctx.data;
  const computed = await cache.get(JSON.stringify({ missing, hessian }), () =>
    calibrate(ctx.graph, { fields: missing, ...(hessian ? { hessian } : {}) }, data, { label: scorer.name }),
  );
  // Statistics the context already had win over computed ones (a caller may mix both).
  return { ...computed, ...have };
}

/**
 * What a scorer spec declares, in one place for every scorer kit: the Scorer fields (`name`,
 * `needs`, `hessian`) and the reader of its statistics (nothing for a scorer that needs none).
 */
export function declaredStats(spec: Pick<Scorer, 'name' | 'needs' | 'hessian'>): {
  readonly head: Pick<Scorer, 'name' | 'needs' | 'hessian'>;
  read(ctx: ScoreContext): Promise<CalibrationStats>;
} {
  const head = { name: spec.name, needs: spec.needs, ...(spec.hessian ? { hessian: spec.hessian } : {}) };
  const wants = statFields(spec.needs).length > 0;
  return { head, read: (ctx) => (wants ? statsFor(ctx, spec) : Promise.resolve({})) };
}
