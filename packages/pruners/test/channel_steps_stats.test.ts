import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { buildGraph } from '@prunekit/layers';
import { calibrate, taylor } from '@prunekit/scorers';
import { calibrationBatches, cnnModel } from '@prunekit/test-utils';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelPruner } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

const weightsOf = (m: tfl.LayersModel) =>
  m.getWeights().map((w) => ({ shape: w.shape, v: Array.from(w.dataSync()) }));

describe('multi-step channel pruning recomputes the calibration statistics per step', () => {
  it('Taylor at steps 3 with precomputed stats: every step scores the model it prunes', async () => {
    const model = cnnModel({ seed: 4, inputShape: [8, 8, 3], filters: [8, 12], hidden: 16, classes: 3 });
    const data = calibrationBatches([8, 8, 3], 3, { batches: 2, batchSize: 8, seed: 5 });
    const before = tf.memory().numTensors;
    const graph = buildGraph(model);
    const stats = await calibrate(graph, [taylor()], data);
    const opts = { scorer: taylor(), ratio: 0.5, steps: 3 } as const;
    // The caller's stats describe the original model; steps 1 and 2 prune smaller models.
    const res = await channelPruner(graph, { ...opts, data, context: { stats } }).run();

    // Reference: each step by hand, with statistics calibrated on that step's own model.
    let g = graph;
    let ref: tfl.LayersModel | undefined;
    for (let step = 0; step < 3; step++) {
      const own = await calibrate(g, [taylor()], data);
      const p = channelPruner(g, { ...opts, context: { stats: own } });
      const next = await p.apply(await p.plan(step));
      ref?.dispose();
      ref = next.model;
      g = buildGraph(ref);
    }
    expect(weightsOf(res.model)).toEqual(weightsOf(ref!));
    expect(res.model.getLayer(undefined, 0).getWeights()[0].shape[3]).toBeLessThan(8);
    res.model.dispose();
    ref!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(data.flatMap((b) => [b.x, b.y!].flat()));
    model.dispose();
  });

  it('without data, a later step says the statistics must be recomputed from data', async () => {
    const model = cnnModel({ seed: 4, inputShape: [8, 8, 3], filters: [8, 12], hidden: 16, classes: 3 });
    const data = calibrationBatches([8, 8, 3], 3, { batches: 1, batchSize: 4, seed: 5 });
    const graph = buildGraph(model);
    const stats = await calibrate(graph, [taylor()], data);
    await expect(
      channelPruner(graph, { scorer: taylor(), ratio: 0.5, steps: 3, context: { stats } }).run(),
    ).rejects.toThrow(/'taylor' needs gradients from calibration data/);
    tf.dispose(data.flatMap((b) => [b.x, b.y!].flat()));
    model.dispose();
  });
});
