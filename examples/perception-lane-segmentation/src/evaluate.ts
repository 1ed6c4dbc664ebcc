/**
 * Segmentation figures from a confusion matrix over every test pixel: IoU per class
 * (TP / (TP + FP + FN)), mIoU (their mean), pixel accuracy, and the safety figure: the share of
 * background pixels (verge, sky, vehicles) the model calls road or marking — free space that is
 * not free.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CLASS_BACKGROUND } from './render.js';
import type { Split } from './splits.js';

export interface SegEval {
  /** IoU of each class, in class order. */
  readonly iou: readonly number[];
  readonly miou: number;
  readonly pixelAccuracy: number;
  /** Background pixels predicted as drivable or marking, over all background pixels. */
  readonly roadFalsePositiveRate: number;
}

/** confusion[truth * k + predicted] over every pixel of `split`, predicted `batch` images at a time. */
export function confusion(model: tfl.LayersModel, split: Split, batch = 64): Float64Array {
  const k = split.data.numClasses;
  const m = new Float64Array(k * k);
  const px = split.data.height * split.data.width;
  for (let start = 0; start < split.data.count; start += batch) {
    const n = Math.min(batch, split.data.count - start);
    const guess = tf.tidy(() => {
      const x = tf.slice(split.x, [start, 0, 0, 0], [n, -1, -1, -1]);
      return tf.argMax(model.predict(x) as tf.Tensor, -1);
    });
    const g = guess.dataSync();
    guess.dispose();
    const truth = split.data.masks.subarray(start * px, (start + n) * px);
    for (let i = 0; i < truth.length; i++) m[truth[i] * k + g[i]]++;
  }
  return m;
}

export function scoresFrom(m: Float64Array, k: number): SegEval {
  const iou: number[] = [];
  let correct = 0;
  let total = 0;
  for (let c = 0; c < k; c++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j < k; j++) {
      row += m[c * k + j];
      col += m[j * k + c];
    }
    const tp = m[c * k + c];
    const union = row + col - tp;
    iou.push(union > 0 ? tp / union : 1);
    correct += tp;
    total += row;
  }
  let bg = 0;
  for (let j = 0; j < k; j++) bg += m[CLASS_BACKGROUND * k + j];
  const bgRight = m[CLASS_BACKGROUND * k + CLASS_BACKGROUND];
  return {
    iou,
    miou: iou.reduce((a, b) => a + b, 0) / k,
    pixelAccuracy: total > 0 ? correct / total : 0,
    roadFalsePositiveRate: bg > 0 ? (bg - bgRight) / bg : 0,
  };
}

export function evaluateSeg(model: tfl.LayersModel, split: Split): SegEval {
  return scoresFrom(confusion(model, split), split.data.numClasses);
}
