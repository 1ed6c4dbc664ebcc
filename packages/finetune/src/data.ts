import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Rng } from '@prunekit/core';
import type { TensorData } from './types.js';

/** Checks that x and y are tensors with the same number of rows; returns the row count. */
export function checkData(data: TensorData | undefined, field: string): number {
  if (!data || !(data.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor)) {
    throw new InvalidArgumentError(`${field} must be { x: tf.Tensor, y: tf.Tensor }.`, { field });
  }
  const n = data.x.shape[0];
  if (data.x.rank < 1 || n === 0 || data.y.shape[0] !== n) {
    throw new InvalidArgumentError(
      `${field}: x has ${data.x.shape[0]} rows and y has ${data.y.shape[0]}; both need the same non-zero number of samples along axis 0.`,
      { field },
    );
  }
  return n;
}

/** A permutation of 0..n-1 drawn from `rng` (or the identity when not shuffling). */
export function epochOrder(n: number, rng: Rng, shuffle: boolean): Int32Array {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (shuffle) rng.shuffle(idx);
  return Int32Array.from(idx);
}

/** The rows of batch `b` of an epoch, gathered in `order`. Caller disposes the result. */
export function gatherBatch(
  data: TensorData,
  order: Int32Array,
  b: number,
  batchSize: number,
): { x: tf.Tensor; y: tf.Tensor } {
  const rows = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
  return tf.tidy(() => {
    const idx = tf.tensor1d(rows, 'int32');
    return { x: tf.gather(data.x, idx), y: tf.gather(data.y, idx) };
  });
}
