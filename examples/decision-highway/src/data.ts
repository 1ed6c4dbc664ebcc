/** Demonstrations as tensors: x [n, f] and one-hot y [n, 5], with rare actions repeated for training. */
import * as tf from '@tensorflow/tfjs-core';
import type { Demonstrations } from './sim/dataset.js';

export interface Split {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
  readonly labels: Uint8Array;
  readonly count: number;
}

/**
 * Tensors of a demonstration set. `repeat[a]` copies of each row labelled a (default 1): lane
 * changes and braking are rare on a highway, so the training set repeats them.
 */
export function toSplit(d: Demonstrations, repeat: readonly number[] = []): Split {
  const rows: number[] = [];
  for (let i = 0; i < d.count; i++) for (let k = 0; k < (repeat[d.y[i]] ?? 1); k++) rows.push(i);
  const x = new Float32Array(rows.length * d.features);
  const labels = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    x.set(d.x.subarray(r * d.features, (r + 1) * d.features), i * d.features);
    labels[i] = d.y[r];
  });
  const y = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 5), 'float32'),
  ) as tf.Tensor2D;
  return { x: tf.tensor2d(x, [rows.length, d.features]), y, labels, count: rows.length };
}

export function disposeSplit(s: Split): void {
  tf.dispose([s.x, s.y]);
}
