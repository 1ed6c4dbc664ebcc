// Pruned weight matrices for the kernel benchmark, all drawn from one seeded generator.
import type { Rng } from '@prunekit/core';
import type { FormatSpec } from '@prunekit/sparse';

/** Dense row-major [rows, cols] normal weights with the zeros a format at `sparsity` would leave. */
export function prunedWeights(
  rows: number,
  cols: number,
  spec: FormatSpec,
  sparsity: number,
  rng: Rng,
): Float32Array {
  const w = new Float32Array(rows * cols);
  if (spec.format === 'nm') {
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < cols / spec.m; g++) {
        const picks = rng.shuffle(Array.from({ length: spec.m }, (_, i) => i)).slice(0, spec.n);
        for (const j of picks) w[r * cols + g * spec.m + j] = rng.normal() || 1e-3;
      }
    }
    return w;
  }
  const [br, bc] = spec.format === 'bsr' ? spec.blockShape : [1, 1];
  const blocks = (rows / br) * (cols / bc);
  // Exactly round((1 − sparsity)·blocks) blocks kept, at seeded random positions.
  const order = rng.shuffle(Array.from({ length: blocks }, (_, i) => i));
  const keep = Math.round((1 - sparsity) * blocks);
  for (let q = 0; q < keep; q++) {
    const b = order[q];
    const bi = Math.floor(b / (cols / bc));
    const bj = b % (cols / bc);
    for (let i = 0; i < br; i++)
      for (let j = 0; j < bc; j++) w[(bi * br + i) * cols + bj * bc + j] = rng.normal() || 1e-3;
  }
  return w;
}

/** Keeps the `1 − sparsity` largest magnitudes of `w` (ties by index), zeroing the rest in a copy. */
export function magnitudePrune(w: Float32Array, sparsity: number): Float32Array {
  const order = Array.from(w.keys()).sort((a, b) => Math.abs(w[a]) - Math.abs(w[b]) || a - b);
  const out = Float32Array.from(w);
  const drop = Math.round(sparsity * w.length);
  for (let q = 0; q < drop; q++) out[order[q]] = 0;
  return out;
}
