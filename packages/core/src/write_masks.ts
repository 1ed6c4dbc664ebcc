import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from './errors.js';
import type { WeightStore } from './graph.js';
import { applyMaskToValues, type Mask } from './mask.js';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks that `mask` fits weight `id` of shape `shape` (ShapeError naming the weight). */
export function checkMaskShape(id: string, shape: readonly number[], mask: Mask): void {
  if (!sameShape(shape, mask.shape) || mask.data.length !== shape.reduce((a, d) => a * d, 1)) {
    throw new ShapeError(`Mask of shape [${mask.shape}] does not fit weight '${id}' of shape [${shape}].`, {
      id,
      weight: [...shape],
      mask: [...mask.shape],
    });
  }
}

/**
 * The one way masks reach weights outside a training step: checks every mask against its weight
 * first (an unknown id or a wrong shape writes nothing), then writes w·mask — or `from`·mask, when
 * `from` gives the values to start from (a rewind snapshot) — so pruned entries are exact +0.
 */
export function writeMasks(
  weights: WeightStore,
  masks: ReadonlyMap<string, Mask>,
  from?: ReadonlyMap<string, Float32Array>,
): void {
  for (const [id, mask] of masks) checkMaskShape(id, weights.tensor(id).shape, mask);
  for (const [id, mask] of masks) {
    const shape = weights.tensor(id).shape;
    const start = from?.get(id);
    const values = applyMaskToValues(start ? Float32Array.from(start) : weights.values(id), mask);
    const t = tf.tensor(values, shape, 'float32');
    try {
      weights.assign(id, t);
    } finally {
      t.dispose();
    }
  }
}
