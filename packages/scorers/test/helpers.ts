import { type ModelGraph, type ScoreContext, createRng, sizeOf } from '@prunekit/core';

/**
 * Synthetic calibration statistics for a hand-made graph (no model behind it): seeded gradients,
 * squared gradients and Hessian diagonals per parameter, and per-channel activation statistics
 * for every layer output / input the parameters imply.
 */
export function syntheticStats(graph: ModelGraph, seed = 1): Partial<ScoreContext> {
  const rng = createRng(seed);
  const gradients = new Map<string, Float32Array>();
  const squaredGradients = new Map<string, Float32Array>();
  const hessianDiagonal = new Map<string, Float32Array>();
  const meanActivation = new Map<string, Float32Array>();
  const apoz = new Map<string, Float32Array>();
  const inputNorm = new Map<string, Float32Array>();
  const fill = (n: number, f: () => number) => Float32Array.from({ length: n }, f);
  for (const p of graph.params()) {
    const n = sizeOf(p.shape);
    gradients.set(
      p.id,
      fill(n, () => rng.normal()),
    );
    squaredGradients.set(
      p.id,
      fill(n, () => rng.next()),
    );
    hessianDiagonal.set(
      p.id,
      fill(n, () => rng.normal()),
    );
    if (p.outAxis !== undefined) {
      const c = p.shape[p.outAxis];
      meanActivation.set(
        p.node,
        fill(c, () => rng.next()),
      );
      apoz.set(
        p.node,
        fill(c, () => rng.next()),
      );
    }
    if (p.inAxis !== undefined)
      inputNorm.set(
        p.node,
        fill(p.shape[p.inAxis], () => rng.next()),
      );
  }
  return { stats: { gradients, squaredGradients, hessianDiagonal, meanActivation, apoz, inputNorm } };
}
