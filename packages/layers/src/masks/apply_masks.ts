import type { MaskSet, ModelGraph, ParamInfo } from '@prunekit/core';
import { applyMaskToValues, maskFromZeros } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertFinite } from './finite.js';
import { checkMaskShape } from './write_masked.js';

/**
 * Writes w·mask into the model behind `graph` for every mask in `masks`: pruned weights become
 * exact zeros. Unknown parameter ids and masks of the wrong shape are refused before anything is
 * written.
 */
export function applyMasks(graph: ModelGraph, masks: MaskSet): void {
  for (const [id, mask] of masks) checkMaskShape(id, graph.param(id).shape, mask);
  for (const [id, mask] of masks) {
    const p = graph.param(id);
    const values = applyMaskToValues(graph.weights.values(id), mask);
    const t = tf.tensor(values, [...p.shape], 'float32');
    try {
      graph.weights.assign(id, t);
    } finally {
      t.dispose();
    }
  }
}

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
