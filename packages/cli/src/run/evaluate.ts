/** Top-1 accuracy of a classifier on a split, batched so memory stays flat. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/tensors.js';

export function accuracy(model: tfl.LayersModel, split: Split, batchSize = 256): number {
  const n = split.x.shape[0];
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const pred = tf.tidy(() => {
      const begin = split.x.shape.map((_, i) => (i === 0 ? start : 0));
      const sz = split.x.shape.map((d, i) => (i === 0 ? size : d));
      return tf.argMax(model.predict(tf.slice(split.x, begin, sz)) as tf.Tensor, -1);
    });
    const p = pred.dataSync();
    pred.dispose();
    for (let i = 0; i < size; i++) if (p[i] === split.labels[start + i]) correct++;
  }
  return n === 0 ? Number.NaN : correct / n;
}
