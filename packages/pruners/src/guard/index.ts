export { guard, type GuardDirection, type GuardOptions, type SafetyGuard } from './options.js';
export { type GuardLog, type GuardStep, guardSummary } from './log.js';
export { type GuardedChannelResult, guardedChannelPrune } from './guarded_channels.js';
export {
  type GuardedUnstructuredOptions,
  type GuardedUnstructuredResult,
  guardedUnstructuredPrune,
} from './guarded_unstructured.js';
