/** What the page does, without the DOM: data, evaluation, latency, pruning. */
import { computeMetrics, median } from '@prunekit/core';
import { buildGraph, cloneModel } from '@prunekit/layers';
import { channelPruner, unstructuredPruner } from '@prunekit/pruners';
import { fpgm, magnitude, random } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { generateDataset, type SignDataset } from '../../perception-traffic-signs/src/generator.js';
import { activate } from './backends.js';

export type Method =
  | 'unstructured-magnitude'
  | 'unstructured-random'
  | 'channels-magnitude'
  | 'channels-fpgm';

export interface Measured {
  readonly accuracy: number;
  readonly nonzero: number;
  readonly params: number;
  readonly effectiveMacs: number;
  /** Median ms of one forward pass (batch 1) per backend; absent when the backend did not start. */
  readonly latencyMs: Record<string, number>;
  /** Predicted class of each gallery image. */
  readonly gallery: number[];
}

export interface TestSet {
  readonly data: SignDataset;
  readonly x: tf.Tensor4D;
}

export function makeTestSet(count: number, seed: number): TestSet {
  const data = generateDataset(count, seed);
  const px = Float32Array.from(data.images, (v) => v / 255);
  return { data, x: tf.tensor4d(px, [data.count, data.size, data.size, 3]) };
}

function predictLabels(model: tfl.LayersModel, x: tf.Tensor4D, batch = 64): Int32Array {
  const n = x.shape[0];
  const out = new Int32Array(n);
  for (let s = 0; s < n; s += batch) {
    const size = Math.min(batch, n - s);
    const p = tf.tidy(() => tf.argMax(model.predict(tf.slice(x, s, size)) as tf.Tensor, -1));
    out.set(p.dataSync() as Int32Array, s);
    p.dispose();
  }
  return out;
}

/** Untimed first calls: shader compilation (webgl) and first-touch allocations. */
const WARMUP = 5;

async function latency(model: tfl.LayersModel, runs: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const b of ['webgl', 'wasm'] as const) {
    if (!(await activate(b))) continue;
    const x = tf.zeros([1, 32, 32, 3]);
    const times: number[] = [];
    for (let i = 0; i < runs + WARMUP; i++) {
      const t0 = performance.now();
      const y = model.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
    x.dispose();
    out[b] = median(times);
  }
  await activate('webgl');
  return out;
}

export async function measure(
  model: tfl.LayersModel,
  test: TestSet,
  gallery: TestSet,
  runs = 10,
): Promise<Measured> {
  const pred = predictLabels(model, test.x);
  let correct = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === test.data.labels[i]) correct++;
  const m = computeMetrics(buildGraph(model));
  return {
    accuracy: correct / pred.length,
    nonzero: m.nonzero,
    params: m.params,
    effectiveMacs: m.sparseMacs,
    latencyMs: await latency(model, runs),
    gallery: Array.from(predictLabels(model, gallery.x)),
  };
}

/** A pruned copy of `dense` (the dense model is left as it is). */
export async function prune(
  dense: tfl.LayersModel,
  method: Method,
  sparsity: number,
): Promise<tfl.LayersModel> {
  if (method.startsWith('unstructured')) {
    const model = await cloneModel(dense);
    const scorer = method === 'unstructured-random' ? random() : magnitude({ p: 1 });
    await unstructuredPruner(buildGraph(model), { scorer, ratio: sparsity, scope: 'global', seed: 7 }).step();
    return model;
  }
  const scorer = method === 'channels-fpgm' ? fpgm() : magnitude({ p: 2 });
  const res = await channelPruner(buildGraph(dense), {
    scorer,
    ratio: sparsity,
    scope: 'local',
    seed: 7,
  }).run();
  return res.model;
}
