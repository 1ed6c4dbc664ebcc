/** Batch-1 latency: the measure stage of `@prunekit/recipe`. */
export { batch1Latency, type Latency, roundRobinLatency } from '@prunekit/recipe';
