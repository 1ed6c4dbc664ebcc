import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, checkRange } from '@prunekit/core';
import type { OptimizerState, TrainOptimizer } from './optimizer.js';
import { Slots } from './slots.js';

/** Plain SGD, or SGD with (Nesterov) momentum when `momentum` > 0. */
export function sgd(opts: { lr?: number; momentum?: number; nesterov?: boolean } = {}): TrainOptimizer {
  const momentum = checkRange('sgd.momentum', opts.momentum ?? 0, 0, 1);
  const nesterov = opts.nesterov ?? false;
  const name = momentum > 0 ? 'momentum' : 'sgd';
  const slots = new Slots(['velocity']);
  return {
    name,
    learningRate: checkRange('sgd.lr', opts.lr ?? 0.01, 0, Infinity),
    apply(vars, grads) {
      const lr = this.learningRate;
      tf.tidy(() => {
        vars.forEach((v, i) => {
          const g = grads[i];
          if (momentum === 0) {
            v.assign(tf.sub(v, tf.mul(g, lr)));
            return;
          }
          const vel = slots.get('velocity', i, v);
          const next = tf.add(tf.mul(vel, momentum), g);
          vel.assign(next);
          const step = nesterov ? tf.add(tf.mul(next, momentum), g) : next;
          v.assign(tf.sub(v, tf.mul(step, lr)));
        });
      });
    },
    getState(): OptimizerState {
      return { name, scalars: { momentum, nesterov: nesterov ? 1 : 0 }, slots: slots.save() };
    },
    setState(state) {
      if (state.name !== name)
        throw new CheckpointError(
          `Checkpoint holds '${state.name}' optimizer state, but this run uses '${name}'.`,
        );
      slots.load(state.slots);
    },
    dispose: () => slots.dispose(),
  };
}
