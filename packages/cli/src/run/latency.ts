/** Median forward latency of a model on each backend: untimed calls for `WARMUP` rounds and `WARMUP_MS`, then `runs` timed calls. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { forwardSamples, median } from '@prunekit/core';

/** Untimed first calls (kernel set-up, first allocations)... */
const WARMUP = 3;
/** ...and untimed time: a small model's first hundred or so calls run several times slower. */
const WARMUP_MS = 300;

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
        const { wall } = forwardSamples([model], x, { reps: opts.runs, warmup: WARMUP, warmupMs: WARMUP_MS });
        out[b] = median(wall[0]);
      } finally {
        x.dispose();
      }
    }
  } finally {
    if (tf.getBackend() !== home) await tf.setBackend(home);
  }
  return out;
}
