import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, UnknownLayerError } from '@prunekit/core';
import { cnnModel, modelFixture } from '@prunekit/test-utils';
import { magnitude } from '@prunekit/scorers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SensitivityResult, autoRatios, sensitivityAnalysis } from '../src/index.js';

describe('sensitivity analysis', () => {
  const fx = modelFixture(() => cnnModel({ seed: 3, inputShape: [6, 6, 3], filters: [6, 8], hidden: 12 }))();
  const model = fx.graph.source as tfl.LayersModel;
  let x: tf.Tensor;
  let reference: Int32Array;
  // Agreement with the unpruned model's predictions: 1 before pruning, falls as pruning hurts.
  const agreement = (m: tfl.LayersModel) => {
    const p = tf.tidy(() => tf.argMax(m.predict(x) as tf.Tensor, -1));
    const got = p.dataSync();
    p.dispose();
    return got.reduce((a, v, i) => a + (v === reference[i] ? 1 : 0), 0) / got.length;
  };
  let channels: SensitivityResult;
  beforeAll(async () => {
    expect(tf.getBackend()).toBe('cpu');
    x = tf.randomUniform([48, 6, 6, 3], -1, 1, 'float32', 7);
    const r = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1));
    reference = r.dataSync() as Int32Array;
    r.dispose();
    channels = await sensitivityAnalysis(fx.graph, {
      scorer: magnitude(),
      evaluate: agreement,
      ratios: [0.25, 0.5, 0.75],
    });
  });
  afterAll(() => {
    x.dispose();
    fx.dispose?.();
  });

  it('gives one curve per prunable layer with params/MACs removed growing with the ratio', () => {
    expect(channels.baseline).toBe(1);
    expect(channels.curves.map((c) => c.layer)).toEqual(['conv1', 'conv2', 'fc1']);
    for (const c of channels.curves) {
      expect(c.points.map((p) => p.ratio)).toEqual([0.25, 0.5, 0.75]);
      for (let k = 1; k < c.points.length; k++) {
        expect(c.points[k].macs).toBeGreaterThan(c.points[k - 1].macs);
        expect(c.points[k].params).toBeGreaterThan(c.points[k - 1].params);
      }
    }
  });

  it('leaves the model as it was (weights mode restores, channels mode copies) without leaking', async () => {
    const before = fx.graph.params().map((p) => Array.from(fx.graph.weights.values(p.id)));
    const n = tf.memory().numTensors;
    const w = await sensitivityAnalysis(fx.graph, {
      scorer: magnitude({ p: 1 }),
      evaluate: agreement,
      granularity: 'weights',
      ratios: [0.5, 0.9],
      layers: ['conv2', 'fc1'],
    });
    expect(tf.memory().numTensors).toBe(n);
    expect(fx.graph.params().map((p) => Array.from(fx.graph.weights.values(p.id)))).toEqual(before);
    expect(w.curves[1].points[1].macs).toBe(Math.round(fx.graph.node('fc1').macs * 0.9));
  });

  it('autoRatios meets the MACs budget with the least predicted drop', async () => {
    const r = await autoRatios(channels, { budget: { macs: 0.3 } });
    expect(r.met).toBe(true);
    expect(r.predictedRemoved).toBeGreaterThanOrEqual(0.3);
    // No single-layer choice meeting the budget alone is predicted to do better.
    for (const c of channels.curves) {
      for (const p of c.points) {
        if (p.macs / channels.totalMacs >= 0.3)
          expect(r.predictedDrop).toBeLessThanOrEqual(channels.baseline - p.metric + 1e-12);
      }
    }
    // With a measure, the internal target rises until the measured savings meet the budget.
    const measured = await autoRatios(channels, {
      budget: { macs: 0.3 },
      measure: (ratios) =>
        0.9 *
        Object.entries(ratios).reduce((a, [l, ratio]) => {
          const pt = channels.curves.find((c) => c.layer === l)!.points.find((p) => p.ratio === ratio)!;
          return a + pt.macs / channels.totalMacs;
        }, 0),
    });
    if (measured.met) expect(measured.measuredRemoved!).toBeGreaterThanOrEqual(0.3);
  });

  it('refuses bad ratios, unknown layers and budgets outside (0, 1)', async () => {
    await expect(
      sensitivityAnalysis(fx.graph, { scorer: magnitude(), evaluate: agreement, ratios: [0, 0.5] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      sensitivityAnalysis(fx.graph, { scorer: magnitude(), evaluate: agreement, layers: ['nope'] }),
    ).rejects.toBeInstanceOf(UnknownLayerError);
    await expect(autoRatios(channels, { budget: { macs: 1.5 } })).rejects.toThrow(/fraction to remove/);
  });
});
