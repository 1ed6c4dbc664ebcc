/** Median forward latency of a model on each backend (one warm-up, then `runs` timed calls). */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { median } from '@prunekit/core';

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
      const times: number[] = [];
      for (let i = 0; i < opts.runs + WARMUP; i++) {
        const t0 = performance.now();
        const y = model.predict(x) as tf.Tensor;
        await y.data();
        const t = performance.now() - t0;
        y.dispose();
        if (i >= WARMUP) times.push(t);
      }
      x.dispose();
      out[b] = median(times);
    }
  } finally {
    if (tf.getBackend() !== home) await tf.setBackend(home);
  }
  return out;
}
