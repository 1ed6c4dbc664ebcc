import * as tf from '@tensorflow/tfjs-core';
import { type Batch, InvalidArgumentError, type ModelGraph, createRng } from '@prunekit/core';
import type { ForwardModel, LossFn } from './forward.js';
import { lossGradients, trainableVariables } from './gradients.js';

/** Settings of hutchinsonDiagonal: probe count, seed and the finite-difference step of H·v. */
export interface HutchinsonOptions {
  /** Number of Rademacher probes (estimator variance falls as 1/probes). */
  readonly probes: number;
  readonly seed: number;
  /** Step of the central difference of gradients that gives H·v. Default 1e-2. */
  readonly epsilon?: number;
}

/** Runs `fn` with every trainable variable set to w + s·dir (dir by id), restoring w afterwards. */
function withOffset<T>(
  vars: Map<string, tf.Variable>,
  dir: Map<string, Float32Array>,
  s: number,
  fn: () => T,
): T {
  const saved = new Map<string, tf.Tensor>();
  try {
    for (const [id, v] of vars) {
      saved.set(id, tf.clone(v));
      const d = dir.get(id);
      if (!d) continue;
      const next = tf.tidy(() => tf.add(v, tf.mul(tf.tensor(d, v.shape), s)));
      v.assign(next);
      next.dispose();
    }
    return fn();
  } finally {
    for (const [id, t] of saved) {
      vars.get(id)!.assign(t);
      t.dispose();
    }
  }
}

/** H·v by a central difference of gradients: (∇L(w + εv) − ∇L(w − εv)) / 2ε (exact for quadratic losses). */
function hessianVector(
  graph: ModelGraph,
  model: ForwardModel,
  data: readonly Batch[],
  loss: LossFn,
  vars: Map<string, tf.Variable>,
  v: Map<string, Float32Array>,
  eps: number,
): Map<string, Float64Array> {
  const plus = withOffset(vars, v, eps, () => lossGradients(graph, model, data, loss).mean);
  const minus = withOffset(vars, v, -eps, () => lossGradients(graph, model, data, loss).mean);
  for (const [id, p] of plus) {
    const m = minus.get(id)!;
    for (let i = 0; i < p.length; i++) p[i] = (p[i] - m[i]) / (2 * eps);
  }
  return plus;
}

/**
 * Hutchinson's estimator of the Hessian diagonal: diag(H) ≈ mean_k v_k ⊙ H v_k over seeded
 * Rademacher probes v_k (±1 entries). H·v comes from a central difference of two gradients, which
 * works on every backend and layer (no second-order autodiff needed). The weights are restored.
 */
export function hutchinsonDiagonal(
  graph: ModelGraph,
  model: ForwardModel,
  data: readonly Batch[],
  loss: LossFn,
  opts: HutchinsonOptions,
): Map<string, Float64Array> {
  const eps = opts.epsilon ?? 1e-2;
  const vars = trainableVariables(graph);
  const rng = createRng(opts.seed);
  const acc = new Map<string, Float64Array>();
  for (const p of graph.params()) acc.set(p.id, new Float64Array(p.shape.reduce((a, b) => a * b, 1)));
  for (let k = 0; k < opts.probes; k++) {
    const v = new Map<string, Float32Array>();
    for (const [id, t] of vars) {
      const d = new Float32Array(t.size);
      for (let i = 0; i < d.length; i++) d[i] = rng.next() < 0.5 ? -1 : 1;
      v.set(id, d);
    }
    const hv = hessianVector(graph, model, data, loss, vars, v, eps);
    for (const [id, d] of v) {
      const a = acc.get(id)!;
      const h = hv.get(id)!;
      for (let i = 0; i < d.length; i++) a[i] += d[i] * h[i];
    }
  }
  for (const a of acc.values()) for (let i = 0; i < a.length; i++) a[i] /= opts.probes;
  return acc;
}

/**
 * The Hessian diagonal one coordinate at a time (2 gradients per weight): exact for quadratic
 * losses, and the reference the Hutchinson estimate is tested against. Only for tiny models.
 */
export function exactHessianDiagonal(
  graph: ModelGraph,
  model: ForwardModel,
  data: readonly Batch[],
  loss: LossFn,
  epsilon = 1e-2,
): Map<string, Float64Array> {
  const vars = trainableVariables(graph);
  let total = 0;
  for (const t of vars.values()) total += t.size;
  if (total > 5000) {
    throw new InvalidArgumentError(
      `exactHessianDiagonal needs 2 gradients per weight; ${total} weights is too many. Use hutchinsonDiagonal.`,
      { weights: total },
    );
  }
  const out = new Map<string, Float64Array>();
  for (const p of graph.params()) out.set(p.id, new Float64Array(p.shape.reduce((a, b) => a * b, 1)));
  for (const [id, t] of vars) {
    for (let i = 0; i < t.size; i++) {
      const e = new Float32Array(t.size);
      e[i] = 1;
      const hv = hessianVector(graph, model, data, loss, vars, new Map([[id, e]]), epsilon);
      out.get(id)![i] = hv.get(id)![i];
    }
  }
  return out;
}
