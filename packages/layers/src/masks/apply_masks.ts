import type { MaskSet, ModelGraph, ParamInfo } from '@prunekit/core';
import { maskFromZeros } from '@prunekit/core';
import { assertFinite } from './finite.js';

/**
 * Recovers masks from the exact zeros of the weights (by default of the prunable parameters).
 * Throws NonFiniteError naming the weight when a read weight holds NaN or Infinity.
 */
export function readMasks(graph: ModelGraph, filter: (p: ParamInfo) => boolean = (p) => p.prunable): MaskSet {
  const out: MaskSet = new Map();
  for (const p of graph.params(filter)) {
    const values = graph.weights.values(p.id);
    assertFinite(values, p.id, p.node);
    out.set(p.id, maskFromZeros(p.shape, values));
  }
  return out;
}

/** Throws NonFiniteError naming the first weight of the graph that holds NaN or Infinity. */
export function checkFinite(graph: ModelGraph): void {
  for (const p of graph.params()) assertFinite(graph.weights.values(p.id), p.id, p.node);
}
