import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createMask } from '@prunekit/core';
import { denseTestGraph, describeScheduleConformance, expectNoLeaks } from '@prunekit/test-utils';
import { magnitude } from '@prunekit/scorers';
import { describe, expect, it } from 'vitest';
import {
  ScheduleError,
  linearIterative,
  lotteryTicket,
  rewindWeights,
  scheduleFromJSON,
  snapshotWeights,
  unstructuredPruner,
} from '../src/index.js';

const cases = [
  ['linearIterative spread', () => linearIterative({ final: 0.8, begin: 0, end: 400, iterations: 5 })],
  ['linearIterative explicit steps', () => linearIterative({ final: 0.6, steps: [3, 50, 51, 700] })],
  ['linearIterative single step', () => linearIterative({ final: 0.5, begin: 10, end: 10, iterations: 1 })],
  ['lotteryTicket rewind to 0', () => lotteryTicket({ final: 0.9, rounds: 4, roundSteps: 100 })],
  [
    'lotteryTicket late rewind',
    () => lotteryTicket({ final: 0.8, rounds: 3, roundSteps: 37, rewindStep: 20 }),
  ],
] as const;
for (const [name, make] of cases) describeScheduleConformance(name, make, { fromJSON: scheduleFromJSON });

describe('iterative schedules', () => {
  it('linearIterative reaches k/K of the final sparsity at its k-th step', () => {
    const s = linearIterative({ final: 0.8, begin: 0, end: 300, iterations: 4 });
    expect([0, 99, 100, 200, 300, 999].map((k) => s.at(k))).toEqual([
      { prune: true, sparsity: 0.2 },
      { prune: false, sparsity: 0.2 },
      { prune: true, sparsity: 0.4 },
      { prune: true, sparsity: 0.6000000000000001 },
      { prune: true, sparsity: 0.8 },
      { prune: false, sparsity: 0.8 },
    ]);
  });

  it('refuses steps out of order and windows that cannot hold the iterations', () => {
    expect(() => linearIterative({ final: 0.5, steps: [0, 20, 10] })).toThrow(ScheduleError);
    expect(() => linearIterative({ final: 0.5, steps: [0, 20, 10] })).toThrow(
      /strictly increasing.*steps\[2\] = 10/,
    );
    expect(() => linearIterative({ final: 0.5, steps: [5, 5] })).toThrow(ScheduleError);
    expect(() => linearIterative({ final: 0.5, begin: 10, end: 5, iterations: 2 })).toThrow(
      /end \(5\) comes before begin/,
    );
    expect(() => linearIterative({ final: 0.5, begin: 0, end: 2, iterations: 5 })).toThrow(ScheduleError);
    expect(() => lotteryTicket({ final: 0.5, rounds: 0, roundSteps: 10 })).toThrow(ScheduleError);
    expect(() => lotteryTicket({ final: 1.2, rounds: 2, roundSteps: 10 })).toThrow(/final/);
  });

  it('lotteryTicket prunes geometrically and asks for a rewind at each pruning step', () => {
    const s = lotteryTicket({ final: 0.75, rounds: 2, roundSteps: 10, rewindStep: 5 });
    expect(s.at(5)).toEqual({ prune: false, sparsity: 0, rewind: false });
    expect(s.at(15)).toEqual({ prune: true, sparsity: 0.5, rewind: true });
    expect(s.at(25)).toEqual({ prune: true, sparsity: 0.75, rewind: true });
    expect(s.at(35).prune).toBe(false);
  });

  it('rewinding resets surviving weights to the step-k values and keeps pruned ones at zero', async () => {
    const g = denseTestGraph({ seed: 4 });
    const schedule = lotteryTicket({ final: 0.5, rounds: 1, roundSteps: 10 });
    const snap = snapshotWeights(g); // weights at the rewind step (0)
    // "Training": every weight moves.
    for (const p of g.params()) {
      const t = tf.tidy(() => tf.add(g.weights.tensor(p.id), 0.25));
      g.weights.assign(p.id, t);
      t.dispose();
    }
    const pruner = unstructuredPruner(g, { scorer: magnitude({ p: 1 }), schedule, ratio: 0.5 });
    const res = await pruner.step(10);
    expect(schedule.at(10).rewind).toBe(true);
    await expectNoLeaks(() => rewindWeights(g, snap, res.masks));
    for (const p of g.params()) {
      const now = g.weights.values(p.id);
      const mask = res.masks!.get(p.id) ?? createMask(p.shape, 1);
      now.forEach((v, i) => {
        expect(v).toBe(mask.data[i] ? snap.get(p.id)![i] : 0);
      });
    }
    expect(() => rewindWeights(g, new Map())).toThrow(/snapshotWeights/);
    g.dispose();
  });
});
