/**
 * Both heads on a split: sign accuracy, and lane IoU per class (intersection / union of predicted
 * and true pixels over the whole split) with their mean (mIoU, every lane class counted).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';
import { OUTPUTS } from './model.js';

export interface Evaluation {
  /** Fraction of images whose sign is classified right, 0..1. */
  readonly signAccuracy: number;
  /** Mean of `laneIoU`, 0..1. */
  readonly laneMIoU: number;
  /** IoU of each lane class, in class order. */
  readonly laneIoU: readonly number[];
  readonly count: number;
}

/** Arg-max of each head, batch by batch: sign class per image, lane class per pixel. */
export function predictHeads(
  model: tfl.LayersModel,
  x: tf.Tensor4D,
  batchSize = 128,
): { sign: Int32Array; lane: Int32Array } {
  const n = x.shape[0];
  const px = x.shape[1] * x.shape[2];
  const signAt = model.outputNames.indexOf(OUTPUTS.sign);
  const laneAt = model.outputNames.indexOf(OUTPUTS.lane);
  const sign = new Int32Array(n);
  const lane = new Int32Array(n * px);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [s, l] = tf.tidy(() => {
      const outs = model.predict(tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1])) as tf.Tensor[];
      return [tf.argMax(outs[signAt], -1), tf.argMax(outs[laneAt], -1)];
    });
    sign.set(s.dataSync() as Int32Array, start);
    lane.set(l.dataSync() as Int32Array, start * px);
    tf.dispose([s, l]);
  }
  return { sign, lane };
}

/** IoU per class from true and predicted class ids (classes absent from both count as NaN). */
export function iouPerClass(truth: ArrayLike<number>, pred: ArrayLike<number>, classes: number): number[] {
  const inter = new Float64Array(classes);
  const t = new Float64Array(classes);
  const p = new Float64Array(classes);
  for (let i = 0; i < truth.length; i++) {
    t[truth[i]]++;
    p[pred[i]]++;
    if (truth[i] === pred[i]) inter[truth[i]]++;
  }
  return Array.from(inter, (v, c) => {
    const union = t[c] + p[c] - v;
    return union === 0 ? Number.NaN : v / union;
  });
}

export function evaluate(model: tfl.LayersModel, split: Split, batchSize = 128): Evaluation {
  const { sign, lane } = predictHeads(model, split.x, batchSize);
  let correct = 0;
  for (let i = 0; i < sign.length; i++) if (sign[i] === split.data.signLabels[i]) correct++;
  const laneIoU = iouPerClass(split.data.masks, lane, split.data.laneNames.length);
  const present = laneIoU.filter((v) => !Number.isNaN(v));
  return {
    signAccuracy: correct / sign.length,
    laneMIoU: present.reduce((a, b) => a + b, 0) / present.length,
    laneIoU,
    count: sign.length,
  };
}
