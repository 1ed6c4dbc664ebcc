import type { MaskSet } from '@prunekit/core';
import { maskZeros, sizeOf } from '@prunekit/core';
import type { Scored } from './select.js';

/**
 * Global selection with per-layer bounds: every parameter loses at least ⌈min·n⌉ and at most
 * ⌊max·n⌋ of its units; in between, the lowest scores of the pool go first until round(ratio·N)
 * are pruned (more when the minimums demand it). Already-pruned units (−∞) count against the
 * target and are never revived.
 */
export function selectGlobalBounded(
  items: readonly Scored[],
  ratio: number,
  min: number,
  max: number,
): MaskSet {
  const sizes = items.map((s) => sizeOf(s.param.shape));
  const total = sizes.reduce((a, b) => a + b, 0);
  const pruned = items.map(() => 0);
  const keep = items.map((s) => new Uint8Array(s.scores.length).fill(1));
  const hi = sizes.map((n, k) => Math.max(Math.floor(max * n + 1e-9), zerosOf(items[k])));
  const lo = sizes.map((n, k) => Math.min(hi[k], Math.ceil(min * n - 1e-9)));
  const order = items.map((s) =>
    Array.from(s.scores.keys()).sort((a, b) => s.scores[a] - s.scores[b] || a - b),
  );
  let count = 0;
  // Already pruned, then each layer's minimum.
  items.forEach((s, k) => {
    for (const i of order[k]) {
      if (!(s.scores[i] === -Infinity || pruned[k] < lo[k])) break;
      keep[k][i] = 0;
      pruned[k]++;
      count++;
    }
  });
  const target = Math.max(count, Math.round(ratio * total));
  const pool: { k: number; i: number; v: number }[] = [];
  items.forEach((s, k) => {
    for (let r = pruned[k]; r < order[k].length; r++)
      pool.push({ k, i: order[k][r], v: s.scores[order[k][r]] });
  });
  pool.sort((a, b) => a.v - b.v || a.k - b.k || a.i - b.i);
  for (const e of pool) {
    if (count >= target) break;
    if (pruned[e.k] >= hi[e.k]) continue;
    keep[e.k][e.i] = 0;
    pruned[e.k]++;
    count++;
  }
  return new Map(items.map((s, k) => [s.param.id, { shape: [...s.param.shape], data: keep[k] }]));
}

const zerosOf = (s: Scored): number => maskZeros(s.current);
