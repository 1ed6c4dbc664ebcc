import * as tf from '@tensorflow/tfjs-core';
import { type DependencyGroup, InvalidArgumentError } from '@prunekit/core';
import { expectNoLeaks } from '@prunekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bnGammaL1,
  fineTune,
  groupLasso,
  groupNorms,
  l1,
  l2,
  lp,
  modelParams,
  regularizerFromConfig,
} from '../src/index.js';
import { effectiveLambda } from '../src/train_step.js';
import { disposeData, makeData, tinyModel, useCpu } from './helpers.js';

beforeAll(useCpu);

// fc1's 12 output channels: its kernel columns and bias, and the matching rows of the next kernel.
const fc1Group: DependencyGroup = {
  id: 'fc1',
  size: 12,
  roots: ['fc1'],
  members: [
    { node: 'fc1', param: 'fc1/kernel', axis: 1, offset: 0, scale: 1, stride: 1, repeat: 1, role: 'out' },
    { node: 'fc1', param: 'fc1/bias', axis: 0, offset: 0, scale: 1, stride: 1, repeat: 1, role: 'out' },
    {
      node: 'logits',
      param: 'logits/kernel',
      axis: 0,
      offset: 0,
      scale: 1,
      stride: 1,
      repeat: 1,
      role: 'in',
    },
  ],
};

const varsOf = (m: ReturnType<typeof tinyModel>) => new Map(modelParams(m).map((p) => [p.id, p.variable]));
const shareBelow = (m: ReturnType<typeof tinyModel>, eps: number) => {
  const norms = groupNorms(varsOf(m), [fc1Group]).get('fc1')!;
  return norms.filter((n) => n < eps).length / norms.length;
};

describe('regularizers', () => {
  it('compute Σ|w|ᵖ over the kernels by default', () => {
    const model = tinyModel(2);
    const vars = varsOf(model);
    const kernels = ['fc1/kernel', 'logits/kernel'].map((id) => Array.from(vars.get(id)!.dataSync()));
    const sumOf = (f: (w: number) => number) => kernels.flat().reduce((a, w) => a + f(w), 0);
    for (const [r, want] of [
      [l1({ lambda: 1 }), sumOf(Math.abs)],
      [l2({ lambda: 1 }), sumOf((w) => w * w)],
      [lp({ p: 3, lambda: 1 }), sumOf((w) => Math.abs(w) ** 3)],
    ] as const) {
      const got = tf.tidy(() => r.penalty(vars, 0).dataSync()[0]);
      expect(got).toBeCloseTo(want, 3);
    }
    const g = tf.tidy(
      () =>
        groupLasso({ groups: [fc1Group], lambda: 1 })
          .penalty(vars, 0)
          .dataSync()[0],
    );
    const norms = groupNorms(vars, [fc1Group]).get('fc1')!;
    expect(g).toBeCloseTo(
      norms.reduce((a, b) => a + b, 0),
      3,
    );
    model.dispose();
  });

  it('ramps λ linearly over the warm-up steps', () => {
    const r = l1({ lambda: 0.2, warmupSteps: 10 });
    expect(effectiveLambda(r, 0)).toBe(0);
    expect(effectiveLambda(r, 5)).toBeCloseTo(0.1);
    expect(effectiveLambda(r, 50)).toBeCloseTo(0.2);
  });

  it('group lasso drives whole channel groups to zero (share of norms < 1e-3 rises)', async () => {
    const train = makeData(1, 96);
    const run = async (reg: boolean) => {
      const model = tinyModel(8);
      const before = shareBelow(model, 1e-3);
      await expectNoLeaks(() =>
        fineTune(model, train, {
          epochs: 10,
          batchSize: 16,
          optimizer: 'sgd',
          lr: 0.1,
          regularizer: reg
            ? groupLasso({ groups: [fc1Group], lambda: 0.25, warmupSteps: 10, proximal: true })
            : undefined,
          verbose: 0,
        }),
      );
      const after = shareBelow(model, 1e-3);
      const acc = tf.tidy(() => {
        const pred = model.predict(train.x) as tf.Tensor;
        return tf.mean(tf.cast(tf.equal(tf.argMax(pred, 1), tf.argMax(train.y, 1)), 'float32')).dataSync()[0];
      });
      model.dispose();
      return { before, after, acc };
    };
    const plain = await run(false);
    const lasso = await run(true);
    expect(lasso.before).toBe(0);
    expect(lasso.after).toBeGreaterThan(lasso.before);
    expect(lasso.after).toBeGreaterThan(plain.after);
    expect(lasso.acc).toBeGreaterThan(0.6); // the surviving channels still solve the task
    disposeData(train);
  });

  it('group lasso as a loss term shrinks channel norms more than training without it', async () => {
    const train = makeData(1, 64);
    const total = async (reg: boolean) => {
      const model = tinyModel(8);
      await fineTune(model, train, {
        epochs: 4,
        batchSize: 16,
        optimizer: 'sgd',
        lr: 0.05,
        regularizer: reg ? groupLasso({ groups: [fc1Group], lambda: 0.1 }) : undefined,
        verbose: 0,
      });
      const s = groupNorms(varsOf(model), [fc1Group])
        .get('fc1')!
        .reduce((a, b) => a + b, 0);
      model.dispose();
      return s;
    };
    expect(await total(true)).toBeLessThan(await total(false));
    disposeData(train);
  });

  it('network slimming: proximal L1 on BatchNorm γ zeroes some scales exactly', async () => {
    const train = makeData(1, 64);
    const model = tinyModel(9, { bn: true });
    const gammaOf = () =>
      modelParams(model)
        .find((p) => p.id === 'bn1/gamma')!
        .variable.dataSync();
    expect(Array.from(gammaOf()).every((g) => g === 1)).toBe(true);
    await expectNoLeaks(() =>
      fineTune(model, train, {
        epochs: 6,
        batchSize: 16,
        optimizer: 'sgd',
        lr: 0.1,
        regularizer: bnGammaL1({ lambda: 0.5, proximal: true }),
        verbose: 0,
      }),
    );
    expect(Array.from(gammaOf()).filter((g) => g === 0).length).toBeGreaterThan(0);
    disposeData(train);
    model.dispose();
  });

  it('builds from recipe config and refuses bad settings with typed errors', () => {
    expect(regularizerFromConfig({ type: 'lp', p: 1, lambda: 1e-4 }).name).toBe('l1');
    expect(regularizerFromConfig({ type: 'bnGammaL1', lambda: 1e-4 }).name).toBe('bnGammaL1');
    expect(() => regularizerFromConfig({ type: 'lp', lambda: 1 })).toThrow(InvalidArgumentError);
    expect(() => regularizerFromConfig({ type: 'nope' as 'lp', lambda: 1 })).toThrow(InvalidArgumentError);
    expect(() => lp({ p: 1, lambda: -1 })).toThrow(InvalidArgumentError);
    expect(() => lp({ p: 3, lambda: 1, proximal: true })).toThrow(InvalidArgumentError);
    expect(() => groupLasso({ groups: [], lambda: 1 })).toThrow(InvalidArgumentError);
    const model = tinyModel(2);
    const bad = lp({ p: 1, lambda: 1, params: ['fc9/kernel'] });
    expect(() => bad.penalty(varsOf(model), 0)).toThrow(/fc9\/kernel/);
    model.dispose();
  });
});
