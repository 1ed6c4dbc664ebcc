/**
 * The measure stage: a model's size figures from the IR (params, nonzero weights, MACs, per layer),
 * and its latency with core's one round-robin timer (model 1, 2, …, 1, 2, …, so a busy shared
 * machine slows them all alike; wall time per forward pass that waits for every output; median and
 * 99th percentile). The CLI's figures and every example's size and latency columns come from here.
 */
import {
  computeMetrics,
  forwardSamples,
  type Latency,
  type ModelGraph,
  type ModelMetrics,
  median,
  roundRobinLatency,
} from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The IR of `model` as it is (masked or surgically smaller) and its figures. */
export function modelFigures(
  model: tfl.LayersModel,
  opts: { readonly ignore?: readonly string[] } = {},
): { graph: ModelGraph; metrics: ModelMetrics } {
  const graph = buildGraph(model, { ignore: opts.ignore });
  return { graph, metrics: computeMetrics(graph) };
}

/** Untimed first calls of latencyPerBackend (kernel set-up, first allocations)... */
const BACKEND_WARMUP = 3;
/** ...and untimed time: a small model's first hundred or so calls run several times slower. */
const BACKEND_WARMUP_MS = 300;

/** Where and how latencyPerBackend times: the backends, timed calls and batch size. */
export interface BackendLatencyOptions {
  readonly backends: readonly string[];
  readonly runs: number;
  readonly batch: number;
}

/**
 * Median forward latency (ms) of `model` on each backend, on a seeded random batch, after
 * `BACKEND_WARMUP` untimed calls and `BACKEND_WARMUP_MS` of untimed time; the backend active before
 * is restored afterwards.
 */
export async function latencyPerBackend(
  model: tfl.LayersModel,
  opts: BackendLatencyOptions,
): Promise<Record<string, number>> {
  const home = tf.getBackend();
  const out: Record<string, number> = {};
  const shape = [opts.batch, ...(model.inputs[0].shape.slice(1) as number[])];
  try {
    for (const b of opts.backends) {
      if (tf.getBackend() !== b) await tf.setBackend(b);
      const x = tf.randomUniform(shape, 0, 1, 'float32', 1);
      try {
        const { wall } = forwardSamples([model], x, {
          reps: opts.runs,
          warmup: BACKEND_WARMUP,
          warmupMs: BACKEND_WARMUP_MS,
        });
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
