import { checkRange } from '@prunekit/core';
import type { LrSchedule } from './schedule.js';

/** Linear warm-up over the first `steps` steps into `then` (its own clock starts at step 0). */
export function warmupLr(steps: number, then: LrSchedule): LrSchedule {
  checkRange('warmupLr.steps', steps, 1, Infinity, { integer: true });
  return {
    name: `warmup+${then.name}`,
    at: (step, total) => (step < steps ? (then.at(0, total) * (step + 1)) / steps : then.at(step, total)),
    onEpochEnd: then.onEpochEnd?.bind(then),
    getState: then.getState?.bind(then),
    setState: then.setState?.bind(then),
  };
}
