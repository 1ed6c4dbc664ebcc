/**
 * The measure stage's timing: batch-1 latency of several models on the current backend, with
 * core's one round-robin timer (model 1, 2, …, 1, 2, …, so a busy shared machine slows them all
 * alike; wall time per forward pass that waits for every output; median and 99th percentile). The
 * CLI's per-backend latency and every example's latency column come from here.
 */
import { type Latency, roundRobinLatency } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export { type Latency, roundRobinLatency };

/** Batch-1 latency of each model on the first sample of `x` (any rank; `x` is left as it is). */
export function batch1Latency(models: readonly tfl.LayersModel[], x: tf.Tensor, reps: number): Latency[] {
  const x1 = tf.slice(x, 0, 1);
  try {
    return roundRobinLatency(models, x1, reps);
  } finally {
    x1.dispose();
  }
}
