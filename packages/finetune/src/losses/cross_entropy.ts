import * as tf from '@tensorflow/tfjs-core';
import type { Loss, LossContext } from './loss.js';

const EPS = 1e-7;

/** One-hot targets: labels given as class indices ([n] or [n, 1]) are expanded to [n, classes]. */
export function toOneHot(y: tf.Tensor, classes: number): tf.Tensor {
  if (y.rank === 2 && y.shape[1] === classes) return y.dtype === 'float32' ? y : tf.cast(y, 'float32');
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), classes), 'float32'));
}

/** Log-probabilities of the model output, whether it produced probabilities or logits. */
export function logProbs(pred: tf.Tensor, probabilities: boolean): tf.Tensor {
  if (!probabilities) return tf.logSoftmax(pred);
  return tf.log(tf.clipByValue(pred, EPS, 1));
}

/** Categorical cross-entropy averaged over the batch; labels one-hot or as class indices. */
export function crossEntropy(): Loss {
  return {
    name: 'crossEntropy',
    compute(ctx: LossContext): tf.Scalar {
      return tf.tidy(() => {
        const classes = ctx.pred.shape[ctx.pred.rank - 1];
        const target = toOneHot(ctx.y, classes);
        const lp = logProbs(ctx.pred, ctx.probabilities);
        return tf.neg(tf.mean(tf.sum(tf.mul(target, lp), -1))) as tf.Scalar;
      });
    },
  };
}

/** Mean squared error between output and target. */
export function meanSquaredError(): Loss {
  return {
    name: 'meanSquaredError',
    compute: (ctx) => tf.tidy(() => tf.mean(tf.squaredDifference(ctx.pred, ctx.y)) as tf.Scalar),
  };
}

/** Number of rows whose arg-max matches the label (one-hot or index labels). */
export function countCorrect(pred: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const guess = tf.argMax(pred, -1);
    const classes = pred.shape[pred.rank - 1];
    const truth =
      y.rank === 2 && y.shape[1] === classes && classes > 1
        ? tf.argMax(y, -1)
        : tf.cast(tf.reshape(y, [-1]), 'int32');
    return tf.sum(tf.cast(tf.equal(guess, truth), 'float32')) as tf.Scalar;
  });
}
