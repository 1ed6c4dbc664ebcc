import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '@prunekit/example-kit';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  channelStats,
  contractedTensors,
  toTfGraphModel,
} from '@prunekit/graph-model';
import { loadGraphModelFile } from '@prunekit/graph-model/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateRatios, type GroupSensitivity } from '../src/allocate.js';
import { centernetPath, loadPhotoSets, toInput } from '../src/photos.js';
import {
  heatmapDamage,
  HEATMAP,
  macsOf,
  planFromRatios,
  pruneCompensated,
  rankChannels,
  sensitivityPlan,
} from '../src/sensitivity.js';

describe('allocateRatios (sensitivity-greedy)', () => {
  const table: GroupSensitivity[] = [
    { group: 'a', levels: [{ ratio: 0.5, damage: 0.5, macsSaved: 0.1 }] }, // 5 per MAC
    {
      group: 'b',
      levels: [
        { ratio: 0.5, damage: 0.1, macsSaved: 0.1 },
        { ratio: 0.75, damage: 0.9, macsSaved: 0.15 },
      ],
    },
    { group: 'se', levels: [{ ratio: 0.5, damage: 0, macsSaved: 0 }] }, // saves nothing: never cut
  ];
  const additive = async (r: ReadonlyMap<string, number>) => {
    let m = 1;
    for (const g of table) {
      const l = g.levels.find((x) => x.ratio === r.get(g.group));
      m -= l?.macsSaved ?? 0;
    }
    return m;
  };

  it('cuts the cheapest damage per MAC first and stops at the target', async () => {
    const one = await allocateRatios(table, 0.9, additive);
    expect([...one.ratios]).toEqual([['b', 0.5]]);
    expect(one.macsFraction).toBeCloseTo(0.9);
    const two = await allocateRatios(table, 0.8, additive);
    expect(Object.fromEntries(two.ratios)).toEqual({ a: 0.5, b: 0.5 }); // a (5/MAC) before b→0.75 (16/MAC)
    expect(two.ratios.has('se')).toBe(false);
  });

  it('goes on past the estimate while the true MACs are above the target, and stops when nothing saves more', async () => {
    const worse = async (r: ReadonlyMap<string, number>) => (await additive(r)) + 0.02;
    const a = await allocateRatios(table, 0.8, worse);
    expect(a.ratios.get('b')).toBe(0.75);
    const all = await allocateRatios(table, 0, additive);
    expect(all.macsFraction).toBeCloseTo(0.75);
    expect(all.ratios.has('se')).toBe(false);
  });
});

describe('CenterNet label-free plan (smoke: stats, consumerEnergy, sensitivity, compensated surgery)', () => {
  let cache: string;
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    cache = mkdtempSync(join(tmpdir(), 'objdet-plan-'));
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('measures a group on one training photo, plans to a MAC target and prunes below it', async () => {
    const before = tf.memory().numTensors;
    const photo = loadPhotoSets(cache, { quick: true }).train[0];
    const dense = await loadGraphModelFile(centernetPath());
    const graph = await buildGraphModelGraph(dense);
    const analysis = analyzeGraphChannels(graph);
    const x = toInput(photo, 512);
    const stats = await channelStats(dense, x, contractedTensors(graph));
    const order = await rankChannels(graph, analysis, stats);
    const groups = analysis.groups.filter((g) => order.get(g.id)!.length >= 64).slice(0, 1);
    const sens = await sensitivityPlan(dense, { ...analysis, groups }, stats, order, [x], { levels: [0.5] });
    expect(sens.table).toHaveLength(1);
    for (const g of sens.table) {
      expect(g.levels[0].damage).toBeGreaterThanOrEqual(0);
      expect(g.levels[0].macsSaved).toBeGreaterThan(0);
    }
    const { allocation, plan } = await sens.planFor(0.999);
    expect(allocation.macsFraction).toBeLessThanOrEqual(0.999);
    const { model } = pruneCompensated(analysis, plan, stats);
    const total = await macsOf(dense);
    expect((await macsOf(model)) / total).toBeCloseTo(allocation.macsFraction, 6);
    for (const [g, l] of plan) expect(l.length).toBe(Math.floor(0.5 * order.get(g)!.length));
    expect(planFromRatios(order, new Map()).size).toBe(0);
    // The dense model against itself: no damage (the measure is a loss, not a placeholder).
    const m = await toTfGraphModel(dense);
    const t = m.execute(x, HEATMAP) as tf.Tensor;
    m.dispose();
    const own = await heatmapDamage(dense, [x], [t]);
    t.dispose();
    expect(own).toBeLessThan(1e-6);
    x.dispose();
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
