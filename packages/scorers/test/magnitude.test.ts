import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, NonFiniteError, createRng } from '@prunekit/core';
import { conformanceGraph, createTestGraph, expectNoLeaks } from '@prunekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { magnitude, scoreParams } from '../src/index.js';

describe('magnitude', () => {
  const fx = conformanceGraph(11);
  const ctx = { graph: fx.graph, rng: createRng(0) };
  beforeAll(() => expect(tf.getBackend()).toBe('cpu'));
  afterAll(() => fx.graph.dispose());

  it('scores each weight as |w| or w², in element order', async () => {
    const param = fx.graph.param('fc/kernel');
    const w = fx.graph.weights.values(param.id);
    const l1 = await magnitude({ p: 1 }).score({ kind: 'weight', param }, ctx);
    const l2 = await magnitude({ p: 2 }).score({ kind: 'weight', param }, ctx);
    expect(Array.from(l1.values)).toEqual(Array.from(w, (v) => Math.fround(Math.abs(v))));
    expect(Array.from(l2.values)).toEqual(Array.from(w, (v) => Math.fround(v * v)));
  });

  it('scores a group channel as the Lp norm of each member slice, reduced across members', async () => {
    const group = fx.groups.find((g) => g.id === 'conv')!;
    const k = fx.graph.weights.values('conv/kernel'); // [3,3,2,4], channel = i % 4
    const fc = fx.graph.weights.values('fc/kernel'); // [16,3], rows c, c+4, c+8, c+12
    const expected = (c: number, p: 1 | 2) => {
      const f = (v: number) => (p === 1 ? Math.abs(v) : v * v);
      let a = 0;
      for (let i = 0; i < k.length; i++) if (i % 4 === c) a += f(k[i]);
      let b = 0;
      for (let r = c; r < 16; r += 4) for (let j = 0; j < 3; j++) b += f(fc[r * 3 + j]);
      return p === 1 ? [a, b] : [Math.sqrt(a), Math.sqrt(b)];
    };
    for (const p of [1, 2] as const) {
      const sum = await magnitude({ p, reduction: 'sum' }).score({ kind: 'group', group }, ctx);
      const mean = await magnitude({ p, reduction: 'mean' }).score({ kind: 'group', group }, ctx);
      const max = await magnitude({ p, reduction: 'max' }).score({ kind: 'group', group }, ctx);
      for (let c = 0; c < 4; c++) {
        const [a, b] = expected(c, p);
        expect(sum.values[c]).toBeCloseTo(a + b, 5);
        expect(mean.values[c]).toBeCloseTo((a + b) / 2, 5);
        expect(max.values[c]).toBeCloseTo(Math.max(a, b), 5);
      }
    }
  });

  it('counts biases only when asked', async () => {
    const group = fx.groups.find((g) => g.id === 'fc')!;
    const without = await magnitude({ p: 1, reduction: 'sum' }).score({ kind: 'group', group }, ctx);
    const withBias = await magnitude({ p: 1, reduction: 'sum', bias: true }).score(
      { kind: 'group', group },
      ctx,
    );
    const bias = fx.graph.weights.values('fc/bias');
    for (let c = 0; c < 3; c++)
      expect(withBias.values[c]).toBeCloseTo(without.values[c] + Math.abs(bias[c]), 5);
  });

  it('normalises group scores by their max or mean', async () => {
    const group = fx.groups.find((g) => g.id === 'conv')!;
    const raw = await magnitude({ normalizer: 'none' }).score({ kind: 'group', group }, ctx);
    const byMax = await magnitude({ normalizer: 'max' }).score({ kind: 'group', group }, ctx);
    const byMean = await magnitude({ normalizer: 'mean' }).score({ kind: 'group', group }, ctx);
    const mx = Math.max(...raw.values);
    const mean = raw.values.reduce((a, b) => a + b, 0) / raw.values.length;
    expect(Math.max(...byMax.values)).toBeCloseTo(1, 6);
    raw.values.forEach((v, c) => {
      expect(byMax.values[c]).toBeCloseTo(v / mx, 6);
      expect(byMean.values[c]).toBeCloseTo(v / mean, 5);
    });
  });

  it('refuses bad options with errors naming the field', () => {
    expect(() => magnitude({ p: 3 as 1 })).toThrow(InvalidArgumentError);
    expect(() => magnitude({ p: 3 as 1 })).toThrow(/p must be 1 or 2/);
    expect(() => magnitude({ reduction: 'median' as 'sum' })).toThrow(/reduction must be one of/);
    expect(() => magnitude({ normalizer: 'std' as 'max' })).toThrow(/normalizer must be one of/);
  });

  it('refuses non-finite weights, naming the parameter', async () => {
    const g = createTestGraph([
      { name: 'input' },
      { name: 'bad', params: [{ name: 'kernel', shape: [2, 2], values: [1, Number.NaN, 2, 3] }] },
    ]);
    const param = g.param('bad/kernel');
    await expect(
      magnitude().score({ kind: 'weight', param }, { graph: g, rng: createRng(0) }),
    ).rejects.toThrow(NonFiniteError);
    await expect(
      magnitude().score({ kind: 'weight', param }, { graph: g, rng: createRng(0) }),
    ).rejects.toThrow(/bad\/kernel/);
    g.dispose();
  });

  it('scoreParams scores every prunable parameter without leaking', async () => {
    const scores = await expectNoLeaks(() => scoreParams(fx.graph, magnitude({ p: 1 })));
    expect([...scores.keys()]).toEqual(['conv/kernel', 'fc/kernel', 'head/kernel']);
    expect(scores.get('head/kernel')!.length).toBe(6);
  });
});
