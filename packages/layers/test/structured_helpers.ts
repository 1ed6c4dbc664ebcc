import { createRng } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { analyzeChannels, buildGraph, removeChannels, zeroChannels } from '../src/index.js';
import type { LayerChannelAnalysisOptions as ChannelAnalysisOptions } from '../src/structured/index.js';

/** Seeded weights; BN variances positive. */
export function seed(model: tfl.LayersModel, s = 1): void {
  const rng = createRng(s);
  for (const w of model.weights) {
    const n = w.shape.reduce((a: number, b) => a * (b as number), 1);
    const v = Float32Array.from({ length: n }, () =>
      w.originalName.endsWith('moving_variance') ? 0.5 + rng.next() : 0.5 * rng.normal(),
    );
    const t = tf.tensor(v, w.shape as number[]);
    w.write(t);
    t.dispose();
  }
}

export function analyze(model: tfl.LayersModel, opts: ChannelAnalysisOptions = {}) {
  return analyzeChannels(buildGraph(model), opts);
}

/**
 * Removes `pick(size)` channels from every prunable group (default: every other channel, keeping
 * channel 0), checks the pruned model against the zeroed reference on random input and returns
 * the pruned model's weight shapes by layer.
 */
export async function expectEquivalent(
  model: tfl.LayersModel,
  opts: ChannelAnalysisOptions = {},
  pick: (size: number) => number[] = (n) => [...Array(n).keys()].filter((c) => c % 2 === 1),
): Promise<Map<string, number[][]>> {
  const before = tf.memory().numTensors;
  const analysis = analyze(model, opts);
  const removal = new Map(
    analysis.groups.map((g) => [g.id, pick(g.size)] as [string, number[]]).filter(([, c]) => c.length > 0),
  );
  const pruned = await removeChannels(analysis, removal);
  const zeroed = await zeroChannels(analysis, removal);
  const inputs = model.inputs.map((t, i) =>
    tf.randomNormal([2, ...(t.shape.slice(1) as number[])], 0, 1, 'float32', 11 + i),
  );
  const run = (m: tfl.LayersModel) =>
    tf.tidy(() => {
      const y = m.predict(inputs.length === 1 ? inputs[0] : inputs);
      return (Array.isArray(y) ? y : [y]).map((t) => Array.from(t.dataSync()));
    });
  const a = run(pruned);
  const b = run(zeroed);
  expect(a.length).toBe(b.length);
  a.forEach((ya, o) => {
    ya.forEach((v, i) => {
      expect(Math.abs(v - b[o][i])).toBeLessThanOrEqual(1e-4);
    });
  });
  const shapes = new Map(pruned.layers.map((l) => [l.name, l.getWeights().map((w) => [...w.shape])]));
  tf.dispose(inputs);
  pruned.dispose();
  zeroed.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return shapes;
}
