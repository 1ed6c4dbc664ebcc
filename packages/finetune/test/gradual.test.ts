import { type MaskSet, type Schedule, maskLowest, maskSparsity } from '@prunekit/core';
import { expectNoLeaks } from '@prunekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { fineTune, modelParams } from '../src/index.js';
import { disposeData, makeData, tinyModel, useCpu } from './helpers.js';

beforeAll(useCpu);

/** Prune every 4 steps up to step 12, sparsity rising 0.2 → 0.8. */
const everyFour: Schedule = {
  at: (step) => ({ prune: step % 4 === 0 && step <= 12, sparsity: Math.min(0.8, 0.2 * (step / 4 + 1)) }),
  toJSON: () => ({ kind: 'everyFour' }),
};

describe('gradual pruning during training', () => {
  it('calls the pruning function on the schedule and enforces the masks it returns', async () => {
    const model = tinyModel(2);
    const train = makeData(1, 96);
    const kernel = modelParams(model).find((p) => p.id === 'fc1/kernel')!;
    const calls: [number, number][] = [];
    const prune = (step: number, sparsity: number, current: MaskSet): MaskSet => {
      calls.push([step, sparsity]);
      const scores = Float32Array.from(kernel.variable.dataSync(), Math.abs);
      const n = scores.length;
      const old = current.get('fc1/kernel');
      if (old) for (let i = 0; i < n; i++) if (old.data[i] === 0) scores[i] = -1; // pruned stays pruned
      return new Map([['fc1/kernel', maskLowest(kernel.shape, scores, Math.round(sparsity * n))]]);
    };
    const r = await expectNoLeaks(() =>
      fineTune(model, train, {
        epochs: 3,
        batchSize: 16,
        lr: 0.03,
        pruning: { schedule: everyFour, prune },
        verbose: 0,
      }),
    );
    expect(calls.map(([s]) => s)).toEqual([0, 4, 8, 12]);
    for (const [i, [, sp]] of calls.entries()) expect(sp).toBeCloseTo(0.2 * (i + 1));
    const mask = r.masks.get('fc1/kernel')!;
    expect(maskSparsity(mask)).toBeCloseTo(0.8, 1);
    const w = kernel.variable.dataSync();
    for (let i = 0; i < w.length; i++) if (mask.data[i] === 0) expect(Object.is(w[i], 0)).toBe(true);
    expect(r.history.at(-1)!.sparsity).toBeCloseTo(0.8, 1);
    disposeData(train);
    model.dispose();
  });
});
