import {
  createMask,
  InvalidArgumentError,
  type MaskSet,
  NonFiniteError,
  ShapeError,
  writeMasks,
} from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { buildGraph, maskedModel, modelVariables, readMasks, stripMasks } from '../src/index.js';
import { disposedAfterEach, functionalFixture, noLeaks, sequentialFixture, tf } from './fixtures.js';

const keep = disposedAfterEach();

/** Masks that prune every other weight of each prunable kernel. */
function everyOther(shapes: Record<string, number[]>): MaskSet {
  const out: MaskSet = new Map();
  for (const [id, shape] of Object.entries(shapes)) {
    const m = createMask(shape, 1);
    for (let i = 0; i < m.data.length; i += 2) m.data[i] = 0;
    out.set(id, m);
  }
  return out;
}

describe('writeMasks / readMasks', () => {
  it('writes exact zeros, keeps the other weights, and reads the same masks back', async () => {
    const g = buildGraph(keep(functionalFixture()));
    const before = g.weights.values('b/kernel');
    const masks = everyOther({ 'a/kernel': [3, 3, 3, 4], 'b/kernel': [3, 3, 4, 4], 'out/kernel': [6, 3] });
    await noLeaks(() => writeMasks(g.weights, masks));
    const after = g.weights.values('b/kernel');
    for (let i = 0; i < after.length; i++) {
      if (i % 2 === 0) expect(Object.is(after[i], 0)).toBe(true);
      else expect(after[i]).toBe(before[i]);
    }
    const back = await noLeaks(() => readMasks(g));
    expect([...back.keys()]).toEqual(['a/kernel', 'b/kernel', 'c/kernel', 'out/kernel']);
    for (const [id, m] of masks) expect(Array.from(back.get(id)!.data)).toEqual(Array.from(m.data));
    expect(back.get('c/kernel')!.data.every((v) => v === 1)).toBe(true);
    expect(readMasks(g, (p) => p.role === 'bias').size).toBe(4);
  });

  it('refuses a mask of the wrong shape or for an unknown weight before writing anything', () => {
    const g = buildGraph(keep(functionalFixture()));
    const a = g.weights.values('a/kernel');
    const bad: MaskSet = new Map([
      ['a/kernel', createMask([3, 3, 3, 4], 0)],
      ['b/kernel', createMask([3, 3, 4, 5], 0)],
    ]);
    expect(() => writeMasks(g.weights, bad)).toThrow(ShapeError);
    expect(() => writeMasks(g.weights, bad)).toThrow(/'b\/kernel'/);
    expect(() => writeMasks(g.weights, new Map([['zz/kernel', createMask([1], 0)]]))).toThrow(
      InvalidArgumentError,
    );
    expect(g.weights.values('a/kernel')).toEqual(a);
  });

  it('names the layer and weight holding NaN or Infinity', async () => {
    const g = buildGraph(keep(sequentialFixture()));
    const v = g.weights.values('logits/kernel');
    v[5] = Number.POSITIVE_INFINITY;
    await noLeaks(() => {
      const t = tf.tensor(v, [128, 2]);
      g.weights.assign('logits/kernel', t);
      t.dispose();
    });
    expect(() => readMasks(g)).toThrow(NonFiniteError);
    expect(() => readMasks(g)).toThrow(/'logits\/kernel' of layer 'logits' holds Infinity at flat index 5/);
  });
});

describe('maskedModel / stripMasks', () => {
  it('bakes masks into a copy, leaves the input alone, and keeps masks beside the model', async () => {
    const model = keep(sequentialFixture());
    const masks = everyOther({ 'c1/kernel': [3, 3, 3, 4], 'logits/kernel': [128, 2] });
    const original = buildGraph(model).weights.values('c1/kernel');
    const before = tf.memory().numTensors;
    const masked = await maskedModel(model, masks);
    expect(masked.model).not.toBe(model);
    expect(masked.model.getClassName()).toBe(model.getClassName());
    expect(masked.masks).not.toBe(masks);
    expect(masked.masks.get('c1/kernel')!.data).toEqual(masks.get('c1/kernel')!.data);
    expect(buildGraph(model).weights.values('c1/kernel')).toEqual(original);
    const copy = buildGraph(masked.model);
    expect(readMasks(copy, (p) => masks.has(p.id)).get('c1/kernel')!.data).toEqual(
      masks.get('c1/kernel')!.data,
    );
    // no mask variables or wrapper layers inside the model
    expect(masked.model.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect([...modelVariables(masked.model).keys()]).toEqual([...modelVariables(model).keys()]);

    // weights that drifted (as in training) are zeroed again by stripMasks
    const drift = tf.fill([128, 2], 0.25);
    copy.weights.assign('logits/kernel', drift);
    drift.dispose();
    const plain = stripMasks(masked);
    expect(plain).toBe(masked.model);
    const w = buildGraph(plain).weights.values('logits/kernel');
    expect(w[0]).toBe(0);
    expect(w[1]).toBe(0.25);
    masked.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses masks that match no weight', async () => {
    const model = keep(sequentialFixture());
    const before = tf.memory().numTensors;
    await expect(maskedModel(model, new Map([['nope/kernel', createMask([2], 0)]]))).rejects.toThrow(
      /'nope\/kernel' matches no weight/,
    );
    expect(() => stripMasks(model, new Map([['c1/kernel', createMask([2], 0)]]))).toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
