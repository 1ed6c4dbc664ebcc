/**
 * The measure stage's timing: batch-1 latency of several models on the current backend, timed
 * round-robin (model 1, 2, …, 1, 2, …) so a busy shared machine slows them all alike. Wall time per
 * forward pass that waits for its result (every output of a multi-output model); median and 99th
 * percentile. The CLI's per-backend latency and every example's latency column come from here.
 */
import { median, quantile } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One model's batch-1 forward latency: median and 99th percentile in ms over `reps` timed passes. */
export interface Latency {
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly reps: number;
}

/**
 * Times `models` round-robin on `x` (`warmup` untimed passes each, then `reps` timed), one Latency per
 * model in order.
 */
export function roundRobinLatency(
  models: readonly tfl.LayersModel[],
  x: tf.Tensor,
  reps: number,
  warmup = 10,
): Latency[] {
  const times = models.map(() => [] as number[]);
  const once = (m: tfl.LayersModel): number => {
    const t0 = performance.now();
    // Multi-output models return one tensor per head: wait for and free each.
    const out = m.predict(x) as tf.Tensor | tf.Tensor[];
    for (const y of Array.isArray(out) ? out : [out]) {
      y.dataSync();
      y.dispose();
    }
    return performance.now() - t0;
  };
  for (let r = 0; r < warmup; r++) for (const m of models) once(m);
  for (let r = 0; r < reps; r++) {
    // Rotate the starting model so none always runs first.
    for (let k = 0; k < models.length; k++) {
      const i = (r + k) % models.length;
      times[i].push(once(models[i]));
    }
  }
  return times.map((t) => ({ medianMs: median(t), p99Ms: quantile(t, 0.99), reps }));
}

/** Batch-1 latency of each model on the first sample of `x` (any rank; `x` is left as it is). */
export function batch1Latency(models: readonly tfl.LayersModel[], x: tf.Tensor, reps: number): Latency[] {
  const x1 = tf.slice(x, 0, 1);
  try {
    return roundRobinLatency(models, x1, reps);
  } finally {
    x1.dispose();
  }
}
