import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@prunekit/core';
import { conformanceGraph, createTestGraph } from '@prunekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bnScale,
  filterDistances,
  fpgm,
  lamp,
  lampNormalize,
  meanActivation,
  regularized,
} from '../src/index.js';
import { syntheticStats } from './helpers.js';

describe('channel and normalising criteria', () => {
  const fx = conformanceGraph(4);
  const ctx = { graph: fx.graph, rng: createRng(0) };
  afterAll(() => fx.graph.dispose());

  it('LAMP divides each score by the sum of the scores not below it', () => {
    expect(Array.from(lampNormalize([1, 3, 2, 4]))).toEqual(
      [1 / 10, 3 / 7, 2 / 9, 1].map((v) => Math.fround(v)),
    );
    expect(Math.max(...lampNormalize([0.5, 0.1, 9]))).toBe(1);
  });

  it('lamp per weight is LAMP of w² within the parameter', async () => {
    const param = fx.graph.param('head/kernel');
    const w = fx.graph.weights.values(param.id);
    const s = await lamp().score({ kind: 'weight', param }, ctx);
    expect(Array.from(s.values)).toEqual(Array.from(lampNormalize(w.map((v) => v * v))));
  });

  it('FPGM scores a filter by its summed distance to the others', () => {
    // Three filters along axis 1 of a [2, 3] matrix: columns (0,0), (1,0), (0,2).
    const d = filterDistances(Float32Array.from([0, 1, 0, 0, 0, 2]), [2, 3], 1);
    const ab = 1;
    const ac = 2;
    const bc = Math.sqrt(5);
    expect(d[0]).toBeCloseTo(ab + ac, 6);
    expect(d[1]).toBeCloseTo(ab + bc, 6);
    expect(d[2]).toBeCloseTo(ac + bc, 6);
  });

  it('fpgm per weight repeats the filter score over the filter', async () => {
    const param = fx.graph.param('conv/kernel');
    const s = await fpgm().score({ kind: 'weight', param }, ctx);
    const d = filterDistances(fx.graph.weights.values(param.id), param.shape, 3);
    for (let i = 0; i < s.values.length; i++) expect(s.values[i]).toBeCloseTo(d[i % 4], 4);
  });

  it('bn-scale reads |γ| of the BatchNormalization after a layer', async () => {
    const g = createTestGraph([
      { name: 'input' },
      { name: 'conv', className: 'Conv2D', params: [{ name: 'kernel', shape: [1, 1, 2, 3] }] },
      {
        name: 'bn',
        className: 'BatchNormalization',
        params: [{ name: 'gamma', shape: [3], role: 'gamma', outAxis: 0, values: [-2, 0.5, 1] }],
      },
    ]);
    const s = await bnScale().score(
      { kind: 'weight', param: g.param('conv/kernel') },
      { graph: g, rng: createRng(0) },
    );
    expect(Array.from(s.values)).toEqual([2, 0.5, 1, 2, 0.5, 1]);
    g.dispose();
  });

  it('regularized scores a channel by its group-lasso norm over all members', async () => {
    const group = fx.groups.find((x) => x.id === 'fc')!;
    const s = await regularized().score({ kind: 'group', group }, ctx);
    const fc = fx.graph.weights.values('fc/kernel');
    const head = fx.graph.weights.values('head/kernel');
    for (let c = 0; c < 3; c++) {
      let sq = 0;
      for (let r = 0; r < 16; r++) sq += fc[r * 3 + c] ** 2;
      for (let j = 0; j < 2; j++) sq += head[c * 2 + j] ** 2;
      expect(s.values[c]).toBeCloseTo(Math.sqrt(sq), 5);
    }
  });

  it('mean activation scores a group by the recorded output of its producer', async () => {
    const stats = syntheticStats(fx.graph, 2);
    const group = fx.groups.find((x) => x.id === 'fc')!;
    const s = await meanActivation().score({ kind: 'group', group }, { ...ctx, ...stats });
    expect(Array.from(s.values)).toEqual(Array.from(stats.stats!.meanActivation!.get('fc')!));
  });
});
