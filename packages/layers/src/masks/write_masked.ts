import type { Mask } from '@prunekit/core';
import { applyMaskToValues, ShapeError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

function sameShape(a: readonly (number | null)[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks that `mask` fits the weight `id` of shape `shape`. */
export function checkMaskShape(id: string, shape: readonly (number | null)[], mask: Mask): void {
  if (!sameShape(shape, mask.shape) || mask.data.length !== shape.reduce<number>((a, d) => a * (d ?? 0), 1)) {
    throw new ShapeError(`Mask of shape [${mask.shape}] does not fit weight '${id}' of shape [${shape}].`, {
      id,
      weight: [...shape],
      mask: [...mask.shape],
    });
  }
}

/** Writes w·mask into a layer variable; pruned entries become exact +0. */
export function writeMasked(id: string, variable: tfl.LayerVariable, mask: Mask): void {
  checkMaskShape(id, variable.shape, mask);
  const v = variable.read() as tf.Variable;
  const values = applyMaskToValues(Float32Array.from(v.dataSync() as Float32Array), mask);
  const t = tf.tensor(values, v.shape, 'float32');
  try {
    v.assign(t);
  } finally {
    t.dispose();
  }
}
