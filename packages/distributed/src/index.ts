export { type ContentIdentity, jsonHash, modelHash, tensorsHash } from './content_hash.js';
export {
  ContentMismatchError,
  type MismatchKind,
  QueueUnavailableError,
  QueueUrlError,
  TrialFailedError,
} from './errors.js';
export { type LocalRedis, findRedisServer, startLocalRedis } from './local_redis.js';
export { SWEEPS_QUEUE, TRIALS_QUEUE, sweepId } from './names.js';
export { type QueueAddress, checkReachable, parseQueueUrl } from './queue_url.js';
export {
  type DistributedSensitivityOptions,
  SENSITIVITY_BASELINE,
  SENSITIVITY_POINT,
  type ScorerSpec,
  type SensitivityPlanOptions,
  type SensitivityWorkerOptions,
  assembleSensitivity,
  distributedSensitivity,
  sensitivityHandlers,
  sensitivityPlan,
} from './sensitivity.js';
export { type SweepOptions, runSweep } from './sweep.js';
export type { SweepPlan, SweepProgress, Trial, TrialHandler, TrialHandlers, TrialOutcome } from './trial.js';
export { type RunningWorker, type TrialEvent, type WorkerOptions, startWorker } from './worker.js';
