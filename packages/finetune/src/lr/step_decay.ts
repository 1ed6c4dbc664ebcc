import { checkRange } from '@prunekit/core';
import type { LrSchedule } from './schedule.js';

/** Multiplies the rate by `gamma` every `every` steps. */
export function stepLr(opts: { lr: number; every: number; gamma?: number }): LrSchedule {
  const lr = checkRange('stepLr.lr', opts.lr, 0, Infinity);
  const every = checkRange('stepLr.every', opts.every, 1, Infinity, { integer: true });
  const gamma = checkRange('stepLr.gamma', opts.gamma ?? 0.1, 0, 1, { maxInclusive: true });
  return { name: 'step', at: (step) => lr * gamma ** Math.floor(step / every) };
}
