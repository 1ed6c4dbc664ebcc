/** Demonstrations as tensors: x [n, w, w, 3] and one-hot y [n, 8]. */
import * as tf from '@tensorflow/tfjs-core';
import type { Demonstrations } from './sim/dataset.js';
import { CHANNELS, windowSide } from './sim/observe.js';

export interface Split {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor2D;
  readonly labels: Uint8Array;
  readonly count: number;
}

export function toSplit(d: Demonstrations): Split {
  const w = windowSide(d.radius);
  const y = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(d.y), 'int32'), 8), 'float32'),
  ) as tf.Tensor2D;
  return { x: tf.tensor4d(d.x, [d.count, w, w, CHANNELS]), y, labels: d.y, count: d.count };
}

export function disposeSplit(s: Split): void {
  tf.dispose([s.x, s.y]);
}

/** Fraction of rows where the policy's argmax is the expert's heading. */
export function agreement(model: { predict: (x: tf.Tensor, o?: object) => unknown }, s: Split): number {
  const pred = tf.tidy(
    () => tf.argMax(model.predict(s.x, { batchSize: 2048 }) as tf.Tensor, 1).dataSync() as Int32Array,
  );
  let n = 0;
  for (let i = 0; i < s.count; i++) if (pred[i] === s.labels[i]) n++;
  return n / s.count;
}
