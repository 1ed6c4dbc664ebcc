import {
  type Batch,
  type DataSource,
  InvalidArgumentError,
  type ModelGraph,
  type ScoreContext,
  type Scorer,
} from '@prunekit/core';
import { activationStats } from './activations.js';
import { type LossFn, batches, checkBatch, defaultLoss, modelOf } from './forward.js';
import { lossGradients } from './gradients.js';
import { hutchinsonDiagonal } from './hessian.js';
import { type CalibrationNeeds, gradKey, hessKey, mergeNeeds, sqGradKey } from './needs.js';

/** A scorer that says which calibration statistics it reads (see needs.ts for the keys). */
export interface CalibratedScorer extends Scorer {
  readonly calibration?: CalibrationNeeds;
}

/** A scorer that needs calibration data was called without data or precomputed statistics. */
export class CalibrationDataError extends InvalidArgumentError {}

export interface CalibrateOptions {
  /** Loss of one batch; default cross-entropy (on softmax outputs, or on logits). */
  readonly loss?: LossFn;
  /** Label of errors (the scorer or caller asking). */
  readonly label?: string;
}

export type CalibrationStats = Required<Pick<ScoreContext, 'gradients' | 'activations'>>;

const toF32 = (
  m: Map<string, Float64Array>,
  key: (id: string) => string,
  into: Map<string, Float32Array>,
) => {
  for (const [id, v] of m) into.set(key(id), Float32Array.from(v));
};

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
 * The runner: computes, once, every statistic the given scorers (or needs) ask for — gradients,
 * squared gradients, the Hutchinson Hessian diagonal, activation statistics — from calibration
 * batches, and returns them as ScoreContext maps to pass to pruners (`context`) or scorers.
 * The batches stay the caller's (not disposed); the model's weights are left as they were.
 */
export async function calibrate(
  graph: ModelGraph,
  what: readonly Scorer[] | CalibrationNeeds,
  data: DataSource,
  opts: CalibrateOptions = {},
): Promise<CalibrationStats> {
  const needs = Array.isArray(what)
    ? mergeNeeds((what as CalibratedScorer[]).map((s) => s.calibration))
    : (what as CalibrationNeeds);
  const label = opts.label ?? 'calibrate';
  const model = modelOf(graph, label);
  const grads = !!(needs.gradients || needs.squaredGradients || needs.hessian);
  const list = await collect(graph, data, grads, label);
  const loss = opts.loss ?? defaultLoss(model);
  const gradients = new Map<string, Float32Array>();
  if (needs.gradients || needs.squaredGradients) {
    const g = lossGradients(graph, model, list, loss, !!needs.squaredGradients);
    toF32(g.mean, gradKey, gradients);
    if (g.squared) toF32(g.squared, sqGradKey, gradients);
  }
  if (needs.hessian) toF32(hutchinsonDiagonal(graph, model, list, loss, needs.hessian), hessKey, gradients);
  const activations = needs.activations
    ? activationStats(graph, model, list)
    : new Map<string, Float32Array>();
  return { gradients, activations };
}

function has(graph: ModelGraph, needs: CalibrationNeeds, ctx: ScoreContext): boolean {
  const id = graph.params()[0]?.id;
  if (id === undefined) return true;
  if (needs.gradients && !ctx.gradients?.has(gradKey(id))) return false;
  if (needs.squaredGradients && !ctx.gradients?.has(sqGradKey(id))) return false;
  if (needs.hessian && !ctx.gradients?.has(hessKey(id))) return false;
  if (needs.activations && !ctx.activations) return false;
  return true;
}

const cache = new WeakMap<object, Map<string, Promise<CalibrationStats>>>();

/**
 * The statistics a scorer reads: the context's own maps when they hold them, else computed from
 * ctx.data (once per context object, shared by every target scored with it). Without either, a
 * CalibrationDataError says what to pass.
 */
export async function statsFor(
  ctx: ScoreContext,
  needs: CalibrationNeeds,
  scorer: string,
): Promise<CalibrationStats> {
  if (has(ctx.graph, needs, ctx)) {
    return { gradients: ctx.gradients ?? new Map(), activations: ctx.activations ?? new Map() };
  }
  if (!ctx.data) {
    const what = [
      needs.gradients || needs.squaredGradients || needs.hessian ? 'gradients' : '',
      needs.activations ? 'activations' : '',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new CalibrationDataError(
      `Scorer '${scorer}' needs ${what} from calibration data, but got neither data nor precomputed statistics. ` +
        'Pass data (an async iterable of { x, y } batches) to the pruner, or ctx from calibrate(graph, [scorer], data).',
      { scorer },
    );
  }
  let byNeeds = cache.get(ctx);
  if (!byNeeds) {
    byNeeds = new Map();
    cache.set(ctx, byNeeds);
  }
  const key = JSON.stringify(needs);
  let p = byNeeds.get(key);
  if (!p) {
    p = calibrate(ctx.graph, needs, ctx.data, { label: scorer });
    byNeeds.set(key, p);
  }
  const stats = await p;
  // Statistics the context already had win over computed ones (a caller may mix both).
  return {
    gradients: new Map([...stats.gradients, ...(ctx.gradients ?? [])]),
    activations: new Map([...stats.activations, ...(ctx.activations ?? [])]),
  };
}
