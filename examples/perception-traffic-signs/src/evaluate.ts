/** Accuracy, per-class recall and the confusion matrix of a classifier on a split. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';

export interface Evaluation {
  /** Fraction of correctly classified images, 0..1. */
  readonly accuracy: number;
  /** Recall per class (correct / images of that class), in label order. */
  readonly recall: readonly number[];
  /** confusion[true][predicted] counts. */
  readonly confusion: readonly (readonly number[])[];
  readonly count: number;
}

/** Predicted class of every image, in batches so memory stays flat. */
export function predictLabels(model: tfl.LayersModel, x: tf.Tensor4D, batchSize = 256): Int32Array {
  const n = x.shape[0];
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const pred = tf.tidy(() => {
      const xb = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      return tf.argMax(model.predict(xb) as tf.Tensor, -1);
    });
    out.set(pred.dataSync() as Int32Array, start);
    pred.dispose();
  }
  return out;
}

export function evaluate(model: tfl.LayersModel, split: Split, batchSize = 256): Evaluation {
  const k = split.data.numClasses;
  const pred = predictLabels(model, split.x, batchSize);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < pred.length; i++) {
    const t = split.data.labels[i];
    confusion[t][pred[i]]++;
    if (t === pred[i]) correct++;
  }
  const recall = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? Number.NaN : row[c] / total;
  });
  return { accuracy: correct / pred.length, recall, confusion, count: pred.length };
}
