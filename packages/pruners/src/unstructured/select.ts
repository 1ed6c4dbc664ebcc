import { type Mask, type MaskSet, maskZeros, type ParamInfo, sizeOf } from '@prunekit/core';
import { lowestMask } from './lowest.js';

/** One parameter in play: its scores and the mask already in force. */
export interface Scored {
  readonly param: ParamInfo;
  readonly scores: Float32Array;
  readonly current: Mask;
}

/** Scores with already-pruned weights forced to −∞, so they are always among the lowest. */
function forcePruned(s: Scored): Float32Array {
  const out = Float32Array.from(s.scores);
  for (let i = 0; i < out.length; i++) if (s.current.data[i] === 0) out[i] = -Infinity;
  return out;
}

/** How many to prune for a target ratio: never fewer than are pruned already (masks only grow). */
function pruneCount(ratio: number, n: number, already: number): number {
  return Math.min(n, Math.max(already, Math.round(ratio * n)));
}

/** Each parameter loses its own `ratioOf(param)` lowest-scored weights. */
export function selectLocal(items: readonly Scored[], ratioOf: (p: ParamInfo) => number): MaskSet {
  const out: MaskSet = new Map();
  for (const s of items) {
    const n = sizeOf(s.param.shape);
    const data = lowestMask(forcePruned(s), pruneCount(ratioOf(s.param), n, maskZeros(s.current)));
    out.set(s.param.id, { shape: [...s.param.shape], data });
  }
  return out;
}

/**
 * One threshold across all parameters: the `ratio` lowest-scored weights of the pool are pruned
 * wherever they sit. Ties break by position in the pool (parameter order, then element).
 */
export function selectGlobal(items: readonly Scored[], ratio: number): MaskSet {
  const out: MaskSet = new Map();
  if (items.length === 0) return out;
  const sizes = items.map((s) => sizeOf(s.param.shape));
  const total = sizes.reduce((a, b) => a + b, 0);
  const pool = new Float32Array(total);
  let already = 0;
  let at = 0;
  items.forEach((s) => {
    pool.set(forcePruned(s), at);
    at += s.scores.length;
    already += maskZeros(s.current);
  });
  const keep = lowestMask(pool, pruneCount(ratio, total, already));
  at = 0;
  items.forEach((s, k) => {
    out.set(s.param.id, { shape: [...s.param.shape], data: keep.slice(at, at + sizes[k]) });
    at += sizes[k];
  });
  return out;
}
