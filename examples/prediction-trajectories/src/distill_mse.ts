/**
 * Distillation for regression: (1 − α) · MSE(student, target) + α · MSE(student, teacher), the
 * teacher (the unpruned predictor) run outside the gradient tape on each batch. The teacher's
 * outputs are a smoother target than the noisy futures, which speeds a pruned model's recovery.
 * Validation loss is the plain MSE, so early stopping compares like with like.
 */
import { meanSquaredError, type Loss } from '@prunekit/finetune';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export function distillMse(teacher: tfl.LayersModel, alpha: number): Loss {
  const plain = meanSquaredError();
  return {
    name: 'distillMse',
    validation: plain,
    prepare: (x) => new Map([['teacher', tf.keep(teacher.predict(x) as tf.Tensor)]]),
    compute: (ctx) =>
      tf.tidy(() => {
        const t = ctx.prepared.get('teacher')!;
        const hard = tf.mean(tf.squaredDifference(ctx.pred, ctx.y));
        const soft = tf.mean(tf.squaredDifference(ctx.pred, t));
        return tf.add(tf.mul(1 - alpha, hard), tf.mul(alpha, soft)) as tf.Scalar;
      }),
  };
}
