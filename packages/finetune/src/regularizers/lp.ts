import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkRange } from '@prunekit/core';
import type { ProximalRegularizer } from './proximal.js';
import { type ParamSelector, baseFields, selectVars } from './select.js';

/** Options of lp(): the norm p, the strength lambda, a warm-up, the parameters it applies to and whether it is a proximal step. */
export interface LpOptions {
  readonly p: number;
  readonly lambda: number;
  readonly warmupSteps?: number;
  /** Parameters to penalise (default: every kernel). */
  readonly params?: ParamSelector;
  /** Apply as a proximal step instead of a loss term (p = 1 or 2 only). */
  readonly proximal?: boolean;
}

/**
 * The seed's λ·Lp term: penalty Σ|θ|ᵖ over the selected parameters (p = 1 is L1, p = 2 is
 * weight decay). For p < 1 a tiny offset keeps the gradient finite at zero.
 */
export function lp(opts: LpOptions): ProximalRegularizer {
  const p = checkRange('lp.p', opts.p, 0, Infinity);
  if (p === 0) throw new InvalidArgumentError('lp.p must be > 0 (p = 1 for L1, p = 2 for L2).');
  const { lambda, warmupSteps } = baseFields('lp', opts);
  const proximal = opts.proximal ?? false;
  if (proximal && p !== 1 && p !== 2)
    throw new InvalidArgumentError(
      `lp.proximal needs p = 1 or p = 2 (closed-form proximal step), got p = ${p}.`,
    );
  const name = p === 1 ? 'l1' : p === 2 ? 'l2' : `l${p}`;
  return {
    name,
    lambda,
    warmupSteps,
    proximal,
    penalty(vars) {
      return tf.tidy(() => {
        const terms = selectVars(vars, opts.params, undefined, `${name}.params`).map((v) => {
          if (p === 1) return tf.sum(tf.abs(v));
          if (p === 2) return tf.sum(tf.square(v));
          return tf.sum(tf.pow(tf.add(tf.abs(v), p < 1 ? 1e-8 : 0), p));
        });
        return (terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
      });
    },
    prox(vars, t) {
      tf.tidy(() => {
        for (const v of selectVars(vars, opts.params, undefined, `${name}.params`)) {
          // prox of t|w| is soft-thresholding; prox of t·w² is shrinking by 1/(1+2t).
          v.assign(p === 1 ? tf.mul(tf.sign(v), tf.relu(tf.sub(tf.abs(v), t))) : tf.div(v, 1 + 2 * t));
        }
      });
    },
  };
}

/** The L1 (lasso) regularizer: lp with p = 1, applied as a proximal step. */
export const l1 = (o: Omit<LpOptions, 'p'>) => lp({ ...o, p: 1 });
/** The L2 (weight decay) regularizer: lp with p = 2. */
export const l2 = (o: Omit<LpOptions, 'p'>) => lp({ ...o, p: 2 });
