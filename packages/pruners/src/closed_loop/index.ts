export {
  type ClosedLoopVerdict,
  type CompareOptions,
  compareOutcomes,
  type Decision,
  type EventComparison,
  type RatioTest,
} from './compare.js';
export {
  type ClosedLoopGuard,
  type ClosedLoopGuardOptions,
  ClosedLoopSafetyError,
  closedLoopGuard,
} from './guard.js';
export { HardBraking, OnsetCounter } from './events.js';
export type {
  ClosedLoopSimulator,
  DivergentStates,
  DriveOptions,
  DriveResult,
  ScenarioOutcome,
} from './simulator.js';
export {
  clopperPearson,
  type PairedCounts,
  pairedBootstrapRatio,
  poissonRateRatio,
  type RatioInterval,
} from './stats.js';
export {
  type ClosedLoopSearchOptions,
  type ClosedLoopSearchResult,
  closedLoopChannelSearch,
  type RecoveryContext,
  type SearchCandidate,
  type SearchStep,
} from './search.js';
