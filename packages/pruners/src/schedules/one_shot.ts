import type { Schedule } from '@prunekit/core';
import { checkAt, checkSparsity, checkStep } from './check.js';

/** The JSON form of a oneShot schedule (what toJSON returns and scheduleFromJSON reads). */
export interface OneShotJSON {
  readonly type: 'oneShot';
  readonly sparsity: number;
  readonly step: number;
}

/** Prune once, at `step` (default 0), straight to `sparsity`. */
export function oneShot(sparsity: number, opts: { step?: number } = {}): Schedule {
  const json: OneShotJSON = {
    type: 'oneShot',
    sparsity: checkSparsity('oneShot', 'sparsity', sparsity),
    step: checkStep('oneShot', 'step', opts.step ?? 0),
  };
  return {
    at(step) {
      checkAt('oneShot', step);
      return { prune: step === json.step, sparsity: step >= json.step ? json.sparsity : 0 };
    },
    toJSON: () => ({ ...json }),
  };
}
