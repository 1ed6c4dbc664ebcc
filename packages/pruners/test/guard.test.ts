import {
  InvalidArgumentError,
  NonFiniteError,
  type Scorer,
  UnknownLayerError,
  createRng,
} from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { magnitude } from '@prunekit/scorers';
import { expectNoLeaks } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  channelPruner,
  guard,
  guardSummary,
  guardedChannelPrune,
  guardedUnstructuredPrune,
} from '../src/index.js';

/**
 * A tiny policy where one layer carries the safety class ('brake' = class 1, iff x0 > 0):
 * h1 units 4/5 pass +x0 / −x0, h1 units 0–3 are noise; h2 unit 0 is the only brake evidence (a
 * small weight, amplified by the output layer), h2 unit 4 the only 'keep' evidence.
 */
function safetyModel(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'h1', inputShape: [4], units: 8, activation: 'relu' }),
      tfl.layers.dense({ name: 'h2', units: 8, activation: 'relu' }),
      tfl.layers.dense({ name: 'out', units: 2 }),
    ],
  });
  const rng = createRng(7);
  const k1 = new Float32Array(32);
  const k2 = new Float32Array(64);
  const ko = new Float32Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) k1[i * 8 + j] = rng.next() < 0.5 ? -0.1 : 0.1;
  k1[0 * 8 + 4] = 1;
  k1[0 * 8 + 5] = -1;
  for (let j = 0; j < 4; j++)
    for (const k of [1, 2, 3, 5, 6, 7]) k2[j * 8 + k] = rng.next() < 0.5 ? -0.5 : 0.5;
  k2[4 * 8 + 0] = 0.05;
  k2[5 * 8 + 4] = 0.05;
  ko[0 * 2 + 1] = 200;
  ko[4 * 2 + 0] = 200;
  const w = [
    tf.tensor2d(k1, [4, 8]),
    tf.zeros([8]),
    tf.tensor2d(k2, [8, 8]),
    tf.zeros([8]),
    tf.tensor2d(ko, [8, 2]),
    tf.tensor1d([0.01, 0]),
  ];
  model.setWeights(w);
  tf.dispose(w);
  return model;
}

/** Validation data: x0 kept away from the decision boundary; label 1 (brake) iff x0 > 0. */
function valData(n = 64): { x: tf.Tensor2D; labels: Int32Array } {
  const rng = createRng(11);
  const x = new Float32Array(n * 4);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rng.next() * 2 - 1;
    const s = i % 2 === 0 ? 1 : -1;
    x[i * 4] = s * (0.1 + 0.9 * rng.next());
    labels[i] = s > 0 ? 1 : 0;
  }
  return { x: tf.tensor2d(x, [n, 4]), labels };
}

function brakeRecall(model: tfl.LayersModel, x: tf.Tensor2D, labels: Int32Array): number {
  const pred = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync());
  let hit = 0;
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    pos++;
    if (pred[i] === 1) hit++;
  }
  return hit / pos;
}

/** Group scorer that ranks channels by index: channels 0–3 of every group are proposed first. */
const byIndex: Scorer = {
  name: 'by-index',
  needs: [],
  async score(target) {
    if (target.kind !== 'group') throw new Error('group scorer');
    return {
      kind: 'group',
      group: target.group.id,
      values: Float32Array.from({ length: target.group.size }, (_, i) => i),
    };
  },
};

describe('safety guard', () => {
  let data: { x: tf.Tensor2D; labels: Int32Array };
  beforeAll(() => {
    data = valData();
  });
  const brake = (maxDrop = 0.05) =>
    guard({ metric: 'brake_recall', maxDrop, evaluate: (m) => brakeRecall(m, data.x, data.labels) });

  it('the fixture is correct: brake recall 1 before pruning', () => {
    const m = safetyModel();
    expect(brakeRecall(m, data.x, data.labels)).toBe(1);
    m.dispose();
  });

  it('channel pruning: rejects the group that carries the brake class, keeps the harmless one', async () => {
    const model = safetyModel();
    await expectNoLeaks(async () => {
      const res = await guardedChannelPrune(buildGraph(model), { scorer: byIndex, ratio: 0.5 }, brake());
      const { log } = res;
      const h1 = log.steps.find((s) => s.layers.includes('h1'))!;
      const h2 = log.steps.find((s) => s.layers.includes('h2'))!;
      expect(h1.accepted).toBe(true);
      expect(h2.accepted).toBe(false);
      expect(h2.drop).toBeGreaterThan(0.05);
      expect(log.excluded).toEqual(['h2']);
      expect(guardSummary(log)).toEqual({ accepted: 1, rejected: 1 });
      // h1 lost half its neurons, h2 kept all of them, and the safety metric held.
      expect(res.model.getLayer('h1').getWeights()[0].shape).toEqual([4, 4]);
      expect(res.model.getLayer('h2').getWeights()[0].shape).toEqual([4, 8]);
      const final = brakeRecall(res.model, data.x, data.labels);
      expect(final).toBe(log.final);
      expect(log.reference - final).toBeLessThanOrEqual(0.05);
      expect(res.report().after.macs).toBeLessThan(res.report().before.macs);
      res.model.dispose();
    }, 'guardedChannelPrune');
    // Without the guard, the same pruning loses the brake class entirely.
    const plain = await channelPruner(buildGraph(model), { scorer: byIndex, ratio: 0.5 }).run();
    expect(brakeRecall(plain.model, data.x, data.labels)).toBeLessThan(0.95);
    plain.model.dispose();
    model.dispose();
  });

  it('iterative channel pruning keeps a rejected layer out of later rounds', async () => {
    const model = safetyModel();
    await expectNoLeaks(async () => {
      const res = await guardedChannelPrune(
        buildGraph(model),
        { scorer: byIndex, ratio: 0.5, steps: 2 },
        brake(),
      );
      const rejected = res.log.steps.filter((s) => !s.accepted);
      expect(rejected.length).toBeGreaterThanOrEqual(1);
      const firstReject = Math.min(...rejected.map((s) => s.round));
      const layer = rejected.find((s) => s.round === firstReject)!.layers[0];
      expect(res.log.steps.filter((s) => s.round > firstReject && s.layers.includes(layer))).toEqual([]);
      expect(res.log.reference - brakeRecall(res.model, data.x, data.labels)).toBeLessThanOrEqual(0.05);
      res.model.dispose();
    }, 'iterative');
    model.dispose();
  });

  it('unstructured per-layer: rolls back the layer whose small weights carry the brake class', async () => {
    const model = safetyModel();
    const graph = buildGraph(model);
    const h2Before = graph.weights.values('h2/kernel');
    await expectNoLeaks(async () => {
      const res = await guardedUnstructuredPrune(
        graph,
        { scorer: magnitude({ p: 1 }), ratio: 0.75, ignore: ['out'] },
        brake(),
      );
      const byLayer = Object.fromEntries(res.log.steps.map((s) => [s.id, s]));
      expect(byLayer.h1.accepted).toBe(true);
      expect(byLayer.h2.accepted).toBe(false);
      expect(res.log.excluded).toEqual(['h2']);
      expect([...res.masks.keys()]).toEqual(['h1/kernel']);
      // Rolled back exactly; the accepted layer is 75 % zeros.
      expect(graph.weights.values('h2/kernel')).toEqual(h2Before);
      const h1 = graph.weights.values('h1/kernel');
      expect(h1.filter((v) => v === 0).length).toBe(24);
      expect(res.log.reference - brakeRecall(model, data.x, data.labels)).toBeLessThanOrEqual(0.05);
    }, 'guardedUnstructuredPrune');
    model.dispose();
  });

  it('several guards: a step is kept only if every guard allows it; each guard is in the log', async () => {
    const model = safetyModel();
    // A second metric the step on h1 worsens while brake recall does not move (recall alone can be
    // blind to damage elsewhere, e.g. a policy that brakes everywhere keeps a perfect recall).
    const h1Width = guard({
      metric: 'h1_width',
      maxDrop: 0,
      evaluate: (m) => m.getLayer('h1').getWeights()[0].shape[1],
    });
    await expectNoLeaks(async () => {
      const res = await guardedChannelPrune(buildGraph(model), { scorer: byIndex, ratio: 0.5 }, [
        brake(),
        h1Width,
      ]);
      const h1 = res.log.steps.find((s) => s.layers.includes('h1'))!;
      expect(h1.accepted).toBe(false);
      expect(h1.checks.map((c) => [c.metric, c.allowed])).toEqual([
        ['brake_recall', true],
        ['h1_width', false],
      ]);
      expect(h1.drop).toBe(0);
      expect(res.log.references.map((r) => [r.metric, r.value])).toEqual([
        ['brake_recall', 1],
        ['h1_width', 8],
      ]);
      expect(res.model.getLayer('h1').getWeights()[0].shape).toEqual([4, 8]);
      res.model.dispose();
    }, 'several guards');
    const graph = buildGraph(model);
    await expect(guardedChannelPrune(graph, { scorer: byIndex, ratio: 0.5 }, [])).rejects.toThrow(
      /at least one guard/,
    );
    await expect(
      guardedChannelPrune(graph, { scorer: byIndex, ratio: 0.5 }, [brake(), brake()]),
    ).rejects.toThrow(/guarded twice/);
    await expect(
      guardedUnstructuredPrune(graph, { scorer: magnitude(), ratio: 0.5 }, [{} as never]),
    ).rejects.toThrow(InvalidArgumentError);
    model.dispose();
  });

  it('a lower-is-better metric (collision rate) is judged the other way', () => {
    const g = guard({ metric: 'collision_rate', maxDrop: 0.1, direction: 'lower', evaluate: () => 0 });
    expect(g.allows(1, 1.05)).toBe(true);
    expect(g.allows(1, 1.2)).toBe(false);
    expect(g.allows(1, 0.5)).toBe(true);
    expect(g.drop(1, 1.2)).toBeCloseTo(0.2);
  });

  it('bad options throw typed errors naming the field', async () => {
    const evaluate = () => 1;
    expect(() => guard({ metric: '', maxDrop: 0.1, evaluate })).toThrow(/metric must be/);
    expect(() => guard({ metric: 'm', maxDrop: -1, evaluate })).toThrow(InvalidArgumentError);
    expect(() => guard({ metric: 'm', maxDrop: Number.NaN, evaluate })).toThrow(/maxDrop/);
    expect(() => guard({ metric: 'm', maxDrop: 0.1, evaluate: 3 as never })).toThrow(
      /evaluate must be a function/,
    );
    expect(() => guard({ metric: 'm', maxDrop: 0.1, evaluate, direction: 'up' as never })).toThrow(
      /direction/,
    );
    const model = safetyModel();
    const graph = buildGraph(model);
    const nan = guard({ metric: 'brake_recall', maxDrop: 0.1, evaluate: () => Number.NaN });
    await expect(guardedChannelPrune(graph, { scorer: byIndex, ratio: 0.5 }, nan)).rejects.toThrow(
      NonFiniteError,
    );
    await expect(guardedChannelPrune(graph, { scorer: byIndex, ratio: 1.5 }, brake())).rejects.toThrow(
      /ratio/,
    );
    await expect(
      guardedUnstructuredPrune(graph, { scorer: magnitude(), ratio: 0.5, ignore: ['nope'] }, brake()),
    ).rejects.toThrow(UnknownLayerError);
    await expect(
      guardedUnstructuredPrune(graph, { scorer: magnitude(), ratio: 0.5, steps: 0 }, brake()),
    ).rejects.toThrow(/steps/);
    model.dispose();
  });
});
