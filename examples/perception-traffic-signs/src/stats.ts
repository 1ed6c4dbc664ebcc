/** Size figures of a model, read from its live weights through the prunekit graph IR. */
import { computeMetrics, type ModelMetrics } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';

export function modelStats(model: tfl.LayersModel): ModelMetrics {
  return computeMetrics(buildGraph(model));
}

/** Fraction of zeros among the prunable weights (conv / dense kernels). */
export function prunableSparsity(model: tfl.LayersModel): number {
  const graph = buildGraph(model);
  let total = 0;
  let zeros = 0;
  for (const p of graph.params((q) => q.prunable)) {
    const v = graph.weights.values(p.id);
    total += v.length;
    for (let i = 0; i < v.length; i++) if (v[i] === 0) zeros++;
  }
  return total === 0 ? 0 : zeros / total;
}
