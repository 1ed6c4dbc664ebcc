/** Median forward latency of a model on each backend (the recipe's measure stage: `WARMUP` untimed, then `runs` timed calls). */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { roundRobinLatency } from '@prunekit/recipe';

/** Untimed first calls (kernel set-up, first allocations). */
const WARMUP = 3;

export interface LatencyOptions {
  readonly backends: readonly string[];
  readonly runs: number;
  readonly batch: number;
}

export async function measureLatency(
  model: tfl.LayersModel,
  opts: LatencyOptions,
): Promise<Record<string, number>> {
  const home = tf.getBackend();
  const out: Record<string, number> = {};
  const shape = [opts.batch, ...(model.inputs[0].shape.slice(1) as number[])];
  try {
    for (const b of opts.backends) {
      if (tf.getBackend() !== b) await tf.setBackend(b);
      const x = tf.randomUniform(shape, 0, 1, 'float32', 1);
      try {
        out[b] = roundRobinLatency([model], x, opts.runs, WARMUP)[0].medianMs;
      } finally {
        x.dispose();
      }
    }
  } finally {
    if (tf.getBackend() !== home) await tf.setBackend(home);
  }
  return out;
}
