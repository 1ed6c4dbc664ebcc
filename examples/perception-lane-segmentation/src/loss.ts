/**
 * Per-pixel cross-entropy with class weights. The finetune package's crossEntropy expects one label
 * row per sample; a segmentation target is a one-hot map [n, h, w, classes], so this loss averages
 * over every pixel instead. Lane markings cover ~4% of the pixels: weighting them up keeps the
 * network from trading them away for the easy background and road.
 */
import type { Loss } from '@prunekit/finetune';
import * as tf from '@tensorflow/tfjs-core';

const EPS = 1e-7;

export function pixelCrossEntropy(classWeights: readonly number[]): Loss {
  return {
    name: 'pixelCrossEntropy',
    compute: (ctx) =>
      tf.tidy(() => {
        const lp = ctx.probabilities ? tf.log(tf.clipByValue(ctx.pred, EPS, 1)) : tf.logSoftmax(ctx.pred);
        const w = tf.tensor1d(classWeights as number[]);
        // one-hot target × weight of its class: the weight of each pixel's true class
        const weighted = tf.mul(ctx.y, w);
        return tf.neg(tf.mean(tf.sum(tf.mul(weighted, lp), -1))) as tf.Scalar;
      }),
  };
}
