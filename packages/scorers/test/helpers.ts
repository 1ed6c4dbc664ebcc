import { type ModelGraph, type ScoreContext, createRng, sizeOf } from '@prunekit/core';
import { actKey, apozKey, gradKey, hessKey, inputKey, sqGradKey } from '../src/index.js';

/**
 * Synthetic calibration statistics for a hand-made graph (no model behind it): seeded gradients,
 * squared gradients and Hessian diagonals per parameter, and per-channel activation statistics
 * for every layer output / input the parameters imply.
 */
export function syntheticStats(graph: ModelGraph, seed = 1): Partial<ScoreContext> {
  const rng = createRng(seed);
  const gradients = new Map<string, Float32Array>();
  const activations = new Map<string, Float32Array>();
  const fill = (n: number, f: () => number) => Float32Array.from({ length: n }, f);
  for (const p of graph.params()) {
    const n = sizeOf(p.shape);
    gradients.set(
      gradKey(p.id),
      fill(n, () => rng.normal()),
    );
    gradients.set(
      sqGradKey(p.id),
      fill(n, () => rng.next()),
    );
    gradients.set(
      hessKey(p.id),
      fill(n, () => rng.normal()),
    );
    if (p.outAxis !== undefined) {
      const c = p.shape[p.outAxis];
      activations.set(
        actKey(p.node),
        fill(c, () => rng.next()),
      );
      activations.set(
        apozKey(p.node),
        fill(c, () => rng.next()),
      );
    }
    if (p.inAxis !== undefined)
      activations.set(
        inputKey(p.node),
        fill(p.shape[p.inAxis], () => rng.next()),
      );
  }
  return { gradients, activations };
}
