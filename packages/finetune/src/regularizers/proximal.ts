import type * as tf from '@tensorflow/tfjs-core';
import type { Regularizer } from '@prunekit/core';

/**
 * A regularizer that can also act as a proximal step: with `proximal: true` the trainer leaves
 * the penalty out of the loss and, after each optimizer step with learning rate η, calls
 * `prox(vars, η·λ)`. Soft-thresholding reaches exact zeros, which plain (sub)gradient steps on a
 * non-smooth penalty never do — they only oscillate around zero with amplitude ≈ η·λ.
 */
export interface ProximalRegularizer extends Regularizer {
  readonly proximal: boolean;
  prox(vars: ReadonlyMap<string, tf.Variable>, threshold: number): void;
}

/** Whether a regularizer is applied as a proximal step after the optimizer update (rather than through the loss). */
export function isProximal(r: Regularizer): r is ProximalRegularizer {
  return (
    (r as ProximalRegularizer).proximal === true && typeof (r as ProximalRegularizer).prox === 'function'
  );
}
