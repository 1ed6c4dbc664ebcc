import * as tf from '@tensorflow/tfjs-core';
import { checkClassLabels, checkSameShape } from './labels.js';
import type { Loss, LossContext } from './loss.js';

const EPS = 1e-7;

/** Whether labels `y` are one-hot for an output of rank `rank` with `classes` classes. */
function isOneHot(y: tf.Tensor, classes: number, rank: number): boolean {
  return y.rank === rank && y.shape[rank - 1] === classes;
}

/**
 * One-hot targets for an output of rank `rank` (default 2: [n, classes]). Labels already one-hot
 * pass through; class indices are expanded: [n] or [n, 1] to [n, classes], and per-position indices
 * such as [n, h, w] (segmentation, rank 4) to [n, h, w, classes].
 */
export function toOneHot(y: tf.Tensor, classes: number, rank = 2): tf.Tensor {
  if (isOneHot(y, classes, rank)) return y.dtype === 'float32' ? y : tf.cast(y, 'float32');
  const shape = y.rank === 2 && y.shape[1] === 1 ? [y.shape[0]] : y.shape;
  return tf.tidy(() =>
    tf.reshape(tf.cast(tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), classes), 'float32'), [
      ...shape,
      classes,
    ]),
  );
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
    checkLabels: checkClassLabels,
    compute(ctx: LossContext): tf.Scalar {
      return tf.tidy(() => {
        const classes = ctx.pred.shape[ctx.pred.rank - 1];
        const target = toOneHot(ctx.y, classes, ctx.pred.rank);
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
    checkLabels: checkSameShape,
    compute: (ctx) => tf.tidy(() => tf.mean(tf.squaredDifference(ctx.pred, ctx.y)) as tf.Scalar),
  };
}

/**
 * Number of samples whose arg-max matches the label (one-hot or index labels). For outputs with
 * positions ([n, …, classes], e.g. per-pixel classes) each sample counts the share of its positions
 * that match, so the sum over a batch divided by its size is the pixel accuracy.
 */
export function countCorrect(pred: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const classes = pred.shape[pred.rank - 1];
    const guess = tf.reshape(tf.argMax(pred, -1), [pred.shape[0], -1]);
    const oneHot = classes > 1 && isOneHot(y, classes, pred.rank);
    const truth = tf.reshape(oneHot ? tf.argMax(y, -1) : tf.cast(y, 'int32'), [pred.shape[0], -1]);
    return tf.sum(tf.mean(tf.cast(tf.equal(guess, truth), 'float32'), 1)) as tf.Scalar;
  });
}
