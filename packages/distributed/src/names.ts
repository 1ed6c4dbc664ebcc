/** Queue and job names shared by coordinators and workers. */
import { jsonHash } from './content_hash.js';
import type { SweepPlan, Trial } from './trial.js';

/** The parent (aggregate) jobs, one per sweep. */
export const SWEEPS_QUEUE = 'prunekit-sweeps';
/** The trial jobs, children of their sweep's parent. */
export const TRIALS_QUEUE = 'prunekit-trials';

/** A sweep's id: the hash of its name, content identity and trials (same plan → same id → resume). */
export function sweepId(plan: SweepPlan): string {
  return jsonHash({ name: plan.name, identity: plan.identity, trials: plan.trials }).slice(0, 24);
}

// BullMQ job ids may not contain ':' and must not look like integers.
export const parentJobId = (sweep: string) => `sweep-${sweep}`;
export const trialJobId = (sweep: string, t: Trial) => `trial-${sweep}-${jsonHash(t.key).slice(0, 16)}`;

/** The data of a trial job. */
export interface TrialJobData {
  readonly sweep: string;
  readonly trial: Trial;
  readonly identity: SweepPlan['identity'];
}
