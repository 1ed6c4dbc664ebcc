/** Offline metrics on expert demonstrations: agreement (accuracy) and brake recall. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';
import { BRAKE } from './sim/params.js';

/** argmax of the policy over a [n, f] batch. */
export function predictActions(model: tfl.LayersModel, x: tf.Tensor2D): Int32Array {
  return tf.tidy(
    () => tf.argMax(model.predict(x, { batchSize: 4096 }) as tf.Tensor, 1).dataSync() as Int32Array,
  );
}

export interface OfflineEval {
  /** Fraction of rows where the policy picks the expert's action. */
  readonly agreement: number;
  /** Of the rows where the expert brakes, the fraction where the policy brakes. */
  readonly brakeRecall: number;
}

export function agreementAndRecall(pred: ArrayLike<number>, labels: ArrayLike<number>): OfflineEval {
  let agree = 0;
  let brakes = 0;
  let caught = 0;
  for (let i = 0; i < labels.length; i++) {
    if (pred[i] === labels[i]) agree++;
    if (labels[i] === BRAKE) {
      brakes++;
      if (pred[i] === BRAKE) caught++;
    }
  }
  return { agreement: agree / labels.length, brakeRecall: brakes === 0 ? 1 : caught / brakes };
}

export function evaluateOffline(model: tfl.LayersModel, split: Split): OfflineEval {
  return agreementAndRecall(predictActions(model, split.x), split.labels);
}
