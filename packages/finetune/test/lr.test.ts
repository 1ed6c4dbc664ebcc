import { InvalidArgumentError } from '@prunekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { constantLr, cosineLr, fineTune, reduceLrOnPlateau, stepLr, warmupLr } from '../src/index.js';
import type { EpochLog } from '../src/index.js';
import { disposeData, makeData, tinyModel, useCpu } from './helpers.js';

beforeAll(useCpu);

const log = (epoch: number, val_loss: number): EpochLog => ({
  epoch,
  step: epoch,
  loss: 1,
  acc: 0,
  val_loss,
  lr: 0,
  seconds: 0,
});

describe('learning-rate schedules', () => {
  it('cosine decays from lr to minLr over the run', () => {
    const s = cosineLr({ lr: 0.1, minLr: 0.01 });
    expect(s.at(0, 100)).toBeCloseTo(0.1);
    expect(s.at(50, 100)).toBeCloseTo(0.055);
    expect(s.at(100, 100)).toBeCloseTo(0.01);
    expect(s.at(150, 100)).toBeCloseTo(0.01);
    expect(cosineLr({ lr: 1, steps: 10 }).at(5, 1000)).toBeCloseTo(0.5);
  });

  it('step decay multiplies by gamma every N steps', () => {
    const s = stepLr({ lr: 1, every: 10, gamma: 0.5 });
    expect([0, 9, 10, 25].map((k) => s.at(k, 100))).toEqual([1, 1, 0.5, 0.25]);
  });

  it('warm-up ramps linearly into the wrapped schedule', () => {
    const s = warmupLr(4, constantLr(0.2));
    expect([0, 1, 3, 4, 10].map((k) => s.at(k, 100))).toEqual([0.05, 0.1, 0.2, 0.2, 0.2]);
  });

  it('reduce-on-plateau cuts the rate after `patience` epochs without improvement, and saves its state', () => {
    const s = reduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 1 });
    const seen: number[] = [];
    for (const [e, v] of [1, 0.9, 0.95, 0.96, 0.97, 0.5].entries()) {
      s.onEpochEnd!(log(e, v));
      seen.push(s.at(0, 1));
    }
    expect(seen).toEqual([1, 1, 1, 0.5, 0.5, 0.5]);
    const copy = reduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 1 });
    copy.setState!(s.getState!());
    expect(copy.at(0, 1)).toBe(0.5);
    expect(() => reduceLrOnPlateau({ lr: 1, factor: 2 })).toThrow(InvalidArgumentError);
    expect(() => s.onEpochEnd!({ ...log(9, 1), val_loss: undefined })).toThrow(InvalidArgumentError);
  });

  it('drives the optimizer inside fineTune (the logged rate follows the schedule)', async () => {
    const model = tinyModel(1);
    const train = makeData(1, 64);
    const sched = warmupLr(3, cosineLr({ lr: 0.05 }));
    const r = await fineTune(model, train, { epochs: 3, batchSize: 16, lr: sched, verbose: 0 });
    const total = 12;
    expect(r.history.map((h) => h.lr)).toEqual([4, 8, 12].map((k) => sched.at(k, total)));
    disposeData(train);
    model.dispose();
  });
});
