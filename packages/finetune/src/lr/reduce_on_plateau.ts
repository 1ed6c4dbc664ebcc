import { InvalidArgumentError, checkRange } from '@prunekit/core';
import type { EpochLog } from '../types.js';
import type { LrSchedule } from './schedule.js';

/**
 * Multiplies the rate by `factor` when `metric` has not improved (by more than `minDelta`) for
 * `patience` epochs, never going below `minLr`.
 */
export function reduceLrOnPlateau(opts: {
  lr: number;
  metric?: 'val_loss' | 'val_acc' | 'loss';
  factor?: number;
  patience?: number;
  minLr?: number;
  minDelta?: number;
}): LrSchedule {
  const lr = checkRange('reduceLrOnPlateau.lr', opts.lr, 0, Infinity);
  const metric = opts.metric ?? 'val_loss';
  const factor = checkRange('reduceLrOnPlateau.factor', opts.factor ?? 0.5, 0, 1);
  const patience = checkRange('reduceLrOnPlateau.patience', opts.patience ?? 2, 0, Infinity, {
    integer: true,
  });
  const minLr = opts.minLr ?? 0;
  const minDelta = opts.minDelta ?? 0;
  const maximize = metric === 'val_acc';
  let scale = 1;
  let best = maximize ? -Infinity : Infinity;
  let wait = 0;
  return {
    name: 'reduceOnPlateau',
    at: () => Math.max(minLr, lr * scale),
    onEpochEnd(log: EpochLog) {
      const value = log[metric];
      if (value === undefined) {
        throw new InvalidArgumentError(
          `reduceLrOnPlateau.metric is '${metric}', but the epoch log has no such value; pass validation data or monitor 'loss'.`,
        );
      }
      const better = maximize ? value > best + minDelta : value < best - minDelta;
      if (better) {
        best = value;
        wait = 0;
      } else if (++wait > patience) {
        scale *= factor;
        wait = 0;
      }
    },
    getState: () => ({ scale, best, wait }),
    setState(s) {
      scale = s.scale;
      best = s.best;
      wait = s.wait;
    },
  };
}
