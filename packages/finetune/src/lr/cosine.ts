import { checkRange } from '@prunekit/core';
import type { LrSchedule } from './schedule.js';

/** Cosine decay from `lr` to `minLr` over `steps` (default: the whole run). */
export function cosineLr(opts: { lr: number; minLr?: number; steps?: number }): LrSchedule {
  const lr = checkRange('cosineLr.lr', opts.lr, 0, Infinity);
  const minLr = checkRange('cosineLr.minLr', opts.minLr ?? 0, 0, lr, { maxInclusive: true });
  if (opts.steps !== undefined) checkRange('cosineLr.steps', opts.steps, 1, Infinity, { integer: true });
  return {
    name: 'cosine',
    at(step, total) {
      const span = opts.steps ?? Math.max(1, total);
      const p = Math.min(1, step / span);
      return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * p));
    },
  };
}
