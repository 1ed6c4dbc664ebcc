import '@tensorflow/tfjs-backend-cpu';
import { InvalidArgumentError, ShapeError } from '@prunekit/core';
import { cnnModel, describePrunerConformance, modelFixture, patternViolations } from '@prunekit/test-utils';
import { magnitude } from '@prunekit/scorers';
import { afterAll, describe, expect, it } from 'vitest';
import { blockPattern, blockPruner, nmPattern, nmPruner, unstructuredPruner } from '../src/index.js';

// conv1 [3,3,4,8] (36 inputs), conv2 [3,3,8,8] (72), fc1 [128,16], logits [16,5].
const cnn = modelFixture(() => cnnModel({ seed: 6, inputShape: [8, 8, 4], filters: [8, 8] }));
const l1 = magnitude({ p: 1 });

describePrunerConformance('N:M 2:4', (g, seed) => nmPruner(g, { scorer: l1, n: 2, m: 4, seed }), {
  fixture: cnn,
  kind: 'masks',
  pattern: { kind: 'nm', n: 2, m: 4 },
});
describePrunerConformance(
  'N:M 4:8 (conv1 ignored)',
  (g, seed) => nmPruner(g, { scorer: l1, n: 4, m: 8, seed, ignore: ['conv1'] }),
  {
    fixture: cnn,
    kind: 'masks',
    pattern: { kind: 'nm', n: 4, m: 8 },
  },
);
describePrunerConformance(
  'block 4x1 local',
  (g, seed) => blockPruner(g, { scorer: l1, block: [4, 1], ratio: 0.5, seed, ignore: ['logits'] }),
  { fixture: cnn, kind: 'masks', pattern: { kind: 'block', rows: 4, cols: 1 } },
);
describePrunerConformance(
  'block 8x1 global',
  (g, seed) =>
    blockPruner(g, { scorer: l1, block: [8, 1], ratio: 0.7, scope: 'global', seed, ignore: ['logits'] }),
  { fixture: cnn, kind: 'masks', pattern: { kind: 'block', rows: 8, cols: 1 } },
);
describePrunerConformance(
  'element global with per-layer bounds',
  (g, seed) =>
    unstructuredPruner(g, {
      scorer: l1,
      ratio: 0.6,
      scope: 'global',
      minPerLayer: 0.2,
      maxPerLayer: 0.8,
      seed,
    }),
  { fixture: cnn, kind: 'masks', pattern: { kind: 'element' } },
);

describe('granularities', () => {
  const fx = cnn();
  afterAll(() => fx.dispose?.());
  const zerosOf = (d: Uint8Array) => d.reduce((a, k) => a + (k === 0 ? 1 : 0), 0);

  it('N:M keeps the n largest scores of each run along the input dimension', async () => {
    const p = nmPruner(fx.graph, { scorer: l1, n: 2, m: 4 });
    const plan = await p.plan(0);
    expect(plan.sparsity).toBe(0.5);
    const m = plan.masks!.get('fc1/kernel')!;
    const w = fx.graph.weights.values('fc1/kernel'); // [128, 16]
    for (let g = 0; g < 128; g += 4) {
      const idx = [0, 1, 2, 3].map((j) => (g + j) * 16 + 3);
      const kept = idx.filter((i) => m.data[i] === 1).map((i) => Math.abs(w[i]));
      const dropped = idx.filter((i) => m.data[i] === 0).map((i) => Math.abs(w[i]));
      expect(kept.length).toBe(2);
      expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
    }
  });

  it('local block and element masks prune at most one unit more than asked, per layer', async () => {
    for (const [g, unit] of [
      [blockPattern(4, 1), 4],
      [{ kind: 'element' } as const, 1],
    ] as const) {
      const p = unstructuredPruner(fx.graph, { scorer: l1, ratio: 0.37, granularity: g, ignore: ['logits'] });
      const plan = await p.plan(0);
      for (const [id, m] of plan.masks!) {
        expect(zerosOf(m.data)).toBeLessThanOrEqual(0.37 * m.data.length + unit);
        expect(patternViolations(id, m.shape, m.data, g)).toEqual([]);
      }
    }
  });

  it('global bounds keep every layer between minPerLayer and maxPerLayer', async () => {
    const p = unstructuredPruner(fx.graph, {
      scorer: l1,
      ratio: 0.5,
      scope: 'global',
      minPerLayer: 0.3,
      maxPerLayer: 0.6,
    });
    const plan = await p.plan(0);
    let zeros = 0;
    let total = 0;
    for (const m of plan.masks!.values()) {
      const z = zerosOf(m.data);
      expect(z / m.data.length).toBeGreaterThanOrEqual(0.3 - 1e-9);
      expect(z / m.data.length).toBeLessThanOrEqual(0.6 + 1e-9);
      zeros += z;
      total += m.data.length;
    }
    expect(Math.abs(zeros - Math.round(0.5 * total))).toBeLessThanOrEqual(1);
  });

  it('refuses N > M, a block shape that does not divide a kernel, and M not dividing the inputs', () => {
    expect(() => nmPattern(4, 2)).toThrow(InvalidArgumentError);
    expect(() => nmPruner(fx.graph, { scorer: l1, n: 5, m: 4 })).toThrow(/1 ≤ N ≤ M/);
    expect(() => blockPruner(fx.graph, { scorer: l1, block: [4, 1], ratio: 0.5 })).toThrow(ShapeError);
    expect(() => blockPruner(fx.graph, { scorer: l1, block: [4, 1], ratio: 0.5 })).toThrow(
      /logits\/kernel.*4×1/,
    );
    expect(() => nmPruner(fx.graph, { scorer: l1, n: 2, m: 8 })).toThrow(/conv1\/kernel.*36 input positions/);
    expect(() => blockPruner(fx.graph, { scorer: l1, block: [0, 1], ratio: 0.5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      unstructuredPruner(fx.graph, { scorer: l1, ratio: 0.5, minPerLayer: 0.7, maxPerLayer: 0.5 }),
    ).toThrow(/minPerLayer/);
  });
});
