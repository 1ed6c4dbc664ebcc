import type { Scorer } from '@prunekit/core';
import { magnitude } from './magnitude.js';

/** Options of regularized: per-weight L1 or group-lasso norms. */
export interface RegularizedOptions {
  /** 1: |w| per weight and L1 per channel (after L1 training); 2: group-lasso norms (default). */
  readonly p?: 1 | 2;
}

/**
 * Regularization-driven importance: train with a sparsity-inducing penalty first (L1, or group
 * lasso over dependency groups — `@prunekit/finetune`'s regularizers), then the penalty has
 * already pushed unimportant weights / channels towards zero and magnitude reads it off. Per
 * group the score is the group-lasso norm of each channel, ‖w_c‖₂ over every member's slice
 * (members combined as √Σ‖·‖², i.e. reduction 'l2'), exactly the quantity the penalty shrank.
 */
export function regularized(opts: RegularizedOptions = {}): Scorer {
  const p = opts.p ?? 2;
  const inner = magnitude({ p, reduction: p === 2 ? 'l2' : 'sum' });
  return { name: `regularized-l${p}`, needs: inner.needs, score: (t, ctx) => inner.score(t, ctx) };
}
