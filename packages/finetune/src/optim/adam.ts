import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, checkRange } from '@prunekit/core';
import type { OptimizerState, TrainOptimizer } from './optimizer.js';
import { Slots } from './slots.js';

/**
 * Adam (Kingma & Ba). The bias corrections are computed in float64 from the integer step count,
 * so a run resumed from a checkpoint takes bit-identical steps to one never interrupted.
 */
export function adam(
  opts: { lr?: number; beta1?: number; beta2?: number; epsilon?: number } = {},
): TrainOptimizer {
  const beta1 = checkRange('adam.beta1', opts.beta1 ?? 0.9, 0, 1);
  const beta2 = checkRange('adam.beta2', opts.beta2 ?? 0.999, 0, 1);
  const epsilon = checkRange('adam.epsilon', opts.epsilon ?? 1e-7, 0, 1);
  const slots = new Slots(['m', 'v']);
  let t = 0;
  return {
    name: 'adam',
    learningRate: checkRange('adam.lr', opts.lr ?? 0.001, 0, Infinity),
    apply(vars, grads) {
      t++;
      const lrT = (this.learningRate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      tf.tidy(() => {
        vars.forEach((v, i) => {
          const g = grads[i];
          const m = slots.get('m', i, v);
          const s = slots.get('v', i, v);
          const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
          const s1 = tf.add(tf.mul(s, beta2), tf.mul(tf.square(g), 1 - beta2));
          m.assign(m1);
          s.assign(s1);
          v.assign(tf.sub(v, tf.div(tf.mul(m1, lrT), tf.add(tf.sqrt(s1), epsilon))));
        });
      });
    },
    getState(): OptimizerState {
      return { name: 'adam', scalars: { t, beta1, beta2, epsilon }, slots: slots.save() };
    },
    setState(state) {
      if (state.name !== 'adam')
        throw new CheckpointError(
          `Checkpoint holds '${state.name}' optimizer state, but this run uses 'adam'.`,
        );
      slots.load(state.slots);
      t = state.scalars.t ?? 0;
    },
    dispose: () => slots.dispose(),
  };
}
