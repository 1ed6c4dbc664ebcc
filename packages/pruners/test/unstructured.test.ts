import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  InvalidArgumentError,
  type Mask,
  type ModelGraph,
  type Scorer,
  UnknownLayerError,
  createRng,
  maskLowest,
  sizeOf,
} from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { magnitude } from '@prunekit/scorers';
import { cnnModel, createTestGraph, denseTestGraph, expectNoLeaks, mlpModel } from '@prunekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelPruner, lowestMask, polynomialDecay, unstructuredPruner } from '../src/index.js';

/** |w| per weight; pruners do not depend on @prunekit/scorers, so the tests carry their own. */
const absScorer: Scorer = {
  name: 'abs',
  needs: ['weights'],
  async score(t, ctx) {
    if (t.kind !== 'weight') throw new Error('weights only');
    const v = ctx.graph.weights.values(t.param.id).map(Math.abs);
    return { kind: 'weight', param: t.param.id, shape: t.param.shape, values: v };
  },
};
/** Uniform scores from the context rng: exercises the pruner's seed. */
const rngScorer: Scorer = {
  name: 'rng',
  needs: [],
  async score(t, ctx) {
    if (t.kind !== 'weight') throw new Error('weights only');
    const v = Float32Array.from({ length: sizeOf(t.param.shape) }, () => ctx.rng.next());
    return { kind: 'weight', param: t.param.id, shape: t.param.shape, values: v };
  },
};

const zerosOf = (v: ArrayLike<number>) => Array.from(v).filter((x) => x === 0).length;
const weightSparsity = (g: ModelGraph, id: string) =>
  zerosOf(g.weights.values(id)) / sizeOf(g.param(id).shape);
const prunedSet = (m: Mask) => new Set([...m.data.keys()].filter((i) => m.data[i] === 0));

describe('unstructuredPruner', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('local: every layer reaches the ratio within one element, in the masks and in the weights', async () => {
    const g = denseTestGraph({ sizes: [7, 9, 5, 3] });
    const res = await expectNoLeaks(() => unstructuredPruner(g, { scorer: absScorer, ratio: 0.45 }).step());
    for (const p of g.params((q) => q.prunable)) {
      const n = sizeOf(p.shape);
      const zeros = zerosOf(res.masks!.get(p.id)!.data.map((x) => (x === 0 ? 0 : 1)));
      expect(Math.abs(zeros - 0.45 * n)).toBeLessThanOrEqual(1);
      expect(zerosOf(g.weights.values(p.id))).toBe(zeros);
    }
    expect(weightSparsity(g, 'fc1/bias')).toBe(0);
    expect(res.sparsity).toBeCloseTo(0.45, 1);
    g.dispose();
  });

  it('prunes the lowest-|w| weights of a real CNN built with buildGraph, without leaks', async () => {
    const model = cnnModel({ seed: 2 });
    const g = buildGraph(model);
    const before = new Map(g.params((p) => p.prunable).map((p) => [p.id, g.weights.values(p.id)]));
    const res = await expectNoLeaks(() => unstructuredPruner(g, { scorer: absScorer, ratio: 0.7 }).step());
    expect([...res.masks!.keys()].sort()).toEqual([
      'conv1/kernel',
      'conv2/kernel',
      'fc1/kernel',
      'logits/kernel',
    ]);
    for (const [id, w0] of before) {
      const n = w0.length;
      const w = g.weights.values(id);
      expect(Math.abs(zerosOf(w) - 0.7 * n)).toBeLessThanOrEqual(1);
      const kept = w0.filter((_, i) => w[i] !== 0).map(Math.abs);
      const dropped = w0.filter((_, i) => w[i] === 0).map(Math.abs);
      expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
    }
    model.dispose();
  });

  it('local and global differ on layers of different scale; global meets the ratio overall', async () => {
    const run = async (scope: 'local' | 'global') => {
      const g = denseTestGraph({ sizes: [8, 8, 8, 8], scales: [1, 50, 1], seed: 4 });
      const res = await unstructuredPruner(g, { scorer: absScorer, ratio: 0.5, scope }).step();
      const s = ['fc1', 'fc2', 'fc3'].map((l) => weightSparsity(g, `${l}/kernel`));
      g.dispose();
      return { s, total: res.sparsity };
    };
    const local = await run('local');
    const global = await run('global');
    expect(local.s).toEqual([0.5, 0.5, 0.5]);
    expect(global.s[1]).toBeLessThan(0.1); // the large layer survives
    expect(global.s[0]).toBeGreaterThan(0.7);
    expect(global.s[2]).toBeGreaterThan(0.7);
    expect(global.total).toBeCloseTo(0.5, 6);
  });

  it('global: ties break deterministically by position', async () => {
    const g = createTestGraph([
      { name: 'input' },
      { name: 'a', params: [{ name: 'kernel', shape: [2, 2], values: [1, 1, 1, 1] }] },
      { name: 'b', params: [{ name: 'kernel', shape: [2, 2], values: [1, 1, 1, 1] }] },
    ]);
    const res = await unstructuredPruner(g, { scorer: absScorer, ratio: 0.5, scope: 'global' }).step();
    expect(Array.from(res.masks!.get('a/kernel')!.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(res.masks!.get('b/kernel')!.data)).toEqual([1, 1, 1, 1]);
    g.dispose();
  });

  it('respects the ignore list', async () => {
    const g = denseTestGraph();
    const w2 = g.weights.values('fc2/kernel');
    const p = unstructuredPruner(g, { scorer: absScorer, ratio: 0.6, ignore: ['fc2'], scope: 'global' });
    expect(p.targets.map((t) => t.id)).toEqual(['fc1/kernel', 'fc3/kernel']);
    const res = await p.step();
    expect(res.masks!.has('fc2/kernel')).toBe(false);
    expect(Array.from(g.weights.values('fc2/kernel'))).toEqual(Array.from(w2));
    expect(weightSparsity(g, 'fc1/kernel')).toBeGreaterThan(0);
    g.dispose();
  });

  it('applies per-layer ratios, locally even under global scope', async () => {
    for (const scope of ['local', 'global'] as const) {
      const g = denseTestGraph({ sizes: [10, 10, 10, 10] });
      const res = await unstructuredPruner(g, {
        scorer: absScorer,
        ratio: 0.3,
        ratios: { fc2: 0.9 },
        scope,
      }).step();
      expect(weightSparsity(g, 'fc2/kernel')).toBe(0.9);
      if (scope === 'local') {
        expect(weightSparsity(g, 'fc1/kernel')).toBe(0.3);
        expect(weightSparsity(g, 'fc3/kernel')).toBe(0.3);
      } else {
        expect((weightSparsity(g, 'fc1/kernel') + weightSparsity(g, 'fc3/kernel')) / 2).toBeCloseTo(0.3, 6);
      }
      expect(res.sparsity).toBeCloseTo(0.5, 6);
      g.dispose();
    }
  });

  it('refuses bad input with typed errors naming the field', () => {
    const g = denseTestGraph();
    const mk = (o: object) => () => unstructuredPruner(g, { scorer: absScorer, ratio: 0.5, ...o });
    for (const ratio of [1, -0.1, Number.NaN, 2, '0.5']) {
      expect(mk({ ratio })).toThrow(InvalidArgumentError);
      expect(mk({ ratio })).toThrow(/ratio must be in \[0, 1\)/);
    }
    expect(mk({ ignore: ['fc9'] })).toThrow(UnknownLayerError);
    expect(mk({ ignore: ['fc9'] })).toThrow(/ignore: 'fc9' matches no layer .*fc1, fc2, fc3/);
    expect(mk({ ratios: { nope: 0.5 } })).toThrow(UnknownLayerError);
    expect(mk({ ratios: { nope: 0.5 } })).toThrow(/ratios: 'nope'/);
    expect(mk({ ratios: { fc1: 1.5 } })).toThrow(/ratios\.fc1 must be in \[0, 1\)/);
    expect(mk({ ratios: { input: 0.5 } })).toThrow(/'input' has no parameter being pruned/);
    expect(mk({ scope: 'layerwise' })).toThrow(/scope must be 'local' or 'global'/);
    expect(mk({ ignore: ['fc1', 'fc2', 'fc3'] })).toThrow(/No parameters left to prune/);
    expect(mk({ scorer: {} })).toThrow(/scorer must be a Scorer/);
    expect(() => unstructuredPruner(g, { scorer: absScorer })).toThrow(/ratio must be in \[0, 1\)/);
    g.dispose();
  });

  it('same seed → same masks; another seed → other masks', async () => {
    const masksFor = async (seed: number) => {
      const g = denseTestGraph({ seed: 1 });
      const res = await unstructuredPruner(g, {
        scorer: rngScorer,
        ratio: 0.5,
        seed,
        scope: 'global',
      }).step();
      g.dispose();
      return [...res.masks!].map(([id, m]) => [id, Array.from(m.data)]);
    };
    const a = await masksFor(3);
    expect(await masksFor(3)).toEqual(a);
    expect(await masksFor(4)).not.toEqual(a);
  });

  it('masks only grow along a schedule, and weights pruned once stay zero', async () => {
    const model = mlpModel({ seed: 3 });
    const g = buildGraph(model);
    const schedule = polynomialDecay({ initial: 0.1, final: 0.8, begin: 0, end: 40, frequency: 10 });
    const p = unstructuredPruner(g, { scorer: rngScorer, schedule, scope: 'local' });
    let prev = p.masks();
    let last = 0;
    for (let step = 0; step <= 45; step += 5) {
      const res = await expectNoLeaks(() => p.step(step));
      for (const [id, m] of res.masks!) {
        const was = prunedSet(prev.get(id)!);
        const now = prunedSet(m);
        for (const i of was) expect(now.has(i)).toBe(true);
      }
      expect(res.sparsity).toBeGreaterThanOrEqual(last);
      if (!schedule.at(step).prune) expect(res.sparsity).toBe(last);
      last = res.sparsity;
      prev = res.masks!;
      // Training would move the weights; pruned ones must come back as zeros at the next step.
      for (const t of p.targets) {
        const r = createRng(step);
        const noisy = tf.tensor(
          g.weights.values(t.id).map((v) => v + r.normal()),
          [...t.shape],
        );
        g.weights.assign(t.id, noisy);
        noisy.dispose();
      }
    }
    expect(last).toBeCloseTo(0.8, 2);
    // Noise refilled the pruned weights after the last apply; applying the masks in force restores them.
    for (const t of p.targets) expect(weightSparsity(g, t.id)).toBeLessThan(0.8);
    await p.apply({ kind: 'masks', step: 46, sparsity: 0.8, masks: p.masks() });
    for (const t of p.targets) {
      expect(Math.abs(weightSparsity(g, t.id) - 0.8)).toBeLessThanOrEqual(1 / sizeOf(t.shape) + 1e-9);
    }
    model.dispose();
  });

  it('a step the schedule skips changes nothing', async () => {
    const g = denseTestGraph();
    const p = unstructuredPruner(g, {
      scorer: absScorer,
      schedule: polynomialDecay({ initial: 0.2, final: 0.6, begin: 0, end: 100, frequency: 50 }),
    });
    const first = await p.step(0);
    const skipped = await p.step(7);
    expect(skipped.sparsity).toBe(first.sparsity);
    expect(skipped.plan.sparsity).toBeGreaterThan(first.plan.sparsity);
    g.dispose();
  });
});

describe('lowestMask', () => {
  it('matches core maskLowest (ties by index) and handles the edges', () => {
    const rng = createRng(1);
    for (const n of [1, 5, 64, 301]) {
      const scores = Float32Array.from({ length: n }, () => Math.round(rng.next() * 8)); // many ties
      for (const count of [0, 1, n >> 1, n - 1, n]) {
        expect(Array.from(lowestMask(scores, count))).toEqual(
          Array.from(maskLowest([n], scores, count).data),
        );
      }
    }
    expect(() => lowestMask(new Float32Array([1, Number.NaN]), 1)).toThrow(InvalidArgumentError);
    expect(() => lowestMask(new Float32Array(3), 4)).toThrow(InvalidArgumentError);
  });
});

describe('typed plans', () => {
  it('each pruner states its ownership and refuses a plan of the other kind', async () => {
    const model = mlpModel({ seed: 3 });
    const g = buildGraph(model);
    const u = unstructuredPruner(g, { scorer: magnitude(), ratio: 0.5 });
    const c = channelPruner(g, { scorer: magnitude(), ratio: 0.5 });
    expect(u.ownership).toBe('in-place');
    expect(c.ownership).toBe('new-model');
    const mp = await u.plan(0);
    const cp = await c.plan(0);
    expect(mp.kind).toBe('masks');
    expect(cp.kind).toBe('channels');
    await expect(u.apply(cp as never)).rejects.toThrow(
      /unstructured pruner applies a \{ kind: 'masks' \} plan, got "channels"/,
    );
    await expect(c.apply(mp as never)).rejects.toThrow(
      /channel pruner applies a \{ kind: 'channels' \} plan, got "masks"/,
    );
    const before = tf.memory().numTensors;
    const res = await c.apply(cp);
    expect(res.kind).toBe('channels');
    expect(res.model).not.toBe(model);
    res.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
