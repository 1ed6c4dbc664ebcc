import { createRng, InvalidArgumentError, type Scorer } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { expectNoLeaks } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ClosedLoopSimulator,
  ClosedLoopSafetyError,
  clopperPearson,
  closedLoopChannelSearch,
  closedLoopGuard,
  guardedChannelPrune,
  pairedBootstrapRatio,
  poissonRateRatio,
} from '../src/index.js';

/**
 * A toy world: each scenario is 50 steps; at every step the policy sees 4 features and must pick
 * action 1 iff x0 > 0. A wrong action collides with probability 0.3; every step also has a
 * background collision risk of 0.05 whatever the policy does. Random draws depend only on the
 * scenario index, so two policies meet the same states and the same luck (paired).
 */
const STEPS = 50;
function toySimulator(): ClosedLoopSimulator & { calls: number } {
  const sim = {
    name: 'toy',
    unit: 'step',
    events: ['collision', 'wrong_action'],
    calls: 0,
    drive(model: tfl.LayersModel, first: number, count: number, opts: { shadow?: tfl.LayersModel } = {}) {
      sim.calls++;
      const x = new Float32Array(count * STEPS * 4);
      const luck = new Float32Array(count * STEPS * 2);
      for (let s = 0; s < count; s++) {
        const rng = createRng(1000 + first + s);
        for (let t = 0; t < STEPS; t++) {
          const r = s * STEPS + t;
          for (let j = 0; j < 4; j++) x[r * 4 + j] = rng.next() * 2 - 1;
          luck[r * 2] = rng.next();
          luck[r * 2 + 1] = rng.next();
        }
      }
      const act = (m: tfl.LayersModel) =>
        tf.tidy(() => tf.argMax(m.predict(tf.tensor2d(x, [count * STEPS, 4])) as tf.Tensor, 1).dataSync());
      const a = act(model);
      const shadow = opts.shadow ? act(opts.shadow) : undefined;
      const div: number[] = [];
      const outcomes = Array.from({ length: count }, (_, s) => {
        let collision = 0;
        let wrong = 0;
        for (let t = 0; t < STEPS; t++) {
          const r = s * STEPS + t;
          const ok = a[r] === (x[r * 4] > 0 ? 1 : 0);
          if (!ok) wrong++;
          if (luck[r * 2] < 0.05 || (!ok && luck[r * 2 + 1] < 0.3)) collision++;
          if (shadow && shadow[r] !== a[r]) div.push(r);
        }
        return { exposure: STEPS, events: { collision, wrong_action: wrong } };
      });
      const dx = new Float32Array(div.length * 4);
      for (const [i, r] of div.entries()) dx.set(x.subarray(r * 4, r * 4 + 4), i * 4);
      return { outcomes, ...(shadow ? { divergent: { x: dx, rows: div.length, shape: [4] } } : {}) };
    },
  };
  return sim;
}

/**
 * h units 0/1 carry +x0 / −x0 (large weights), units 2–7 small noise; out = [u1 − u0, u0 − u1] + bias.
 * `shift` moves the decision threshold to x0 > shift (a slightly worse, not broken, policy).
 */
function policy(shift = 0): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'h', inputShape: [4], units: 8, activation: 'relu' }),
      tfl.layers.dense({ name: 'out', units: 2 }),
    ],
  });
  const rng = createRng(5);
  const k1 = new Float32Array(32);
  for (let i = 0; i < 32; i++) k1[i] = (rng.next() - 0.5) * 0.02;
  k1[0] = 1; // x0 → u0
  k1[1] = -1; // x0 → u1
  const ko = new Float32Array(16);
  ko[0 * 2 + 1] = 1;
  ko[0 * 2 + 0] = -1;
  ko[1 * 2 + 0] = 1;
  ko[1 * 2 + 1] = -1;
  const w = [tf.tensor2d(k1, [4, 8]), tf.zeros([8]), tf.tensor2d(ko, [8, 2]), tf.tensor1d([shift, -shift])];
  model.setWeights(w);
  tf.dispose(w);
  return model;
}

/** Proposes h's channels in index order (0 and 1, the signal, first). */
const byIndex: Scorer = {
  name: 'by-index',
  needs: [],
  async score(target) {
    if (target.kind !== 'group') throw new Error('group scorer');
    return {
      kind: 'group',
      group: target.group.id,
      values: Float32Array.from({ length: target.group.size }, (_, i) => i),
    };
  },
};
/** Proposes h's channels in reverse order (the noise units first). */
const byReverse: Scorer = {
  ...byIndex,
  name: 'by-reverse',
  async score(target) {
    if (target.kind !== 'group') throw new Error('group scorer');
    return {
      kind: 'group',
      group: target.group.id,
      values: Float32Array.from({ length: target.group.size }, (_, i) => -i),
    };
  },
};

describe('rate-ratio statistics', () => {
  it('Clopper-Pearson matches the tabulated interval for 10 / 20', () => {
    const { lower, upper } = clopperPearson(10, 20, 0.95);
    expect(lower).toBeCloseTo(0.27196, 4);
    expect(upper).toBeCloseTo(0.72804, 4);
    expect(clopperPearson(0, 10).lower).toBe(0);
    expect(clopperPearson(10, 10).upper).toBe(1);
  });
  it('the Poisson rate ratio scales the binomial interval by the exposures', () => {
    const r = poissonRateRatio(10, 100, 10, 200, 0.95); // rate 0.1 vs 0.05
    expect(r.ratio).toBeCloseTo(2, 10);
    expect(r.lower).toBeCloseTo((0.27196 / 0.72804) * 2, 3);
    expect(r.upper).toBeCloseTo((0.72804 / 0.27196) * 2, 3);
    expect(poissonRateRatio(0, 1, 0, 1).upper).toBe(Number.POSITIVE_INFINITY);
    expect(() => poissonRateRatio(1, 0, 1, 1)).toThrow(InvalidArgumentError);
  });
  it('the paired bootstrap is degenerate at 1 for identical outcomes and covers the truth otherwise', () => {
    const same = Array.from({ length: 50 }, (_, i) => ({ eP: 1, kP: i % 3, eD: 1, kD: i % 3 }));
    const s = pairedBootstrapRatio(same, 0.95, { seed: 1 });
    expect([s.ratio, s.lower, s.upper]).toEqual([1, 1, 1]);
    const rng = createRng(3);
    const pairs = Array.from({ length: 400 }, () => ({
      eP: 1,
      kP: rng.next() < 0.3 ? 1 : 0,
      eD: 1,
      kD: rng.next() < 0.15 ? 1 : 0,
    }));
    const b = pairedBootstrapRatio(pairs, 0.95, { seed: 1 });
    expect(b.lower).toBeLessThan(2);
    expect(b.upper).toBeGreaterThan(2);
    expect(b.lower).toBeGreaterThan(1.2);
  });
});

describe('closed-loop guard', () => {
  let dense: tfl.LayersModel;
  beforeAll(() => {
    dense = policy();
  });
  const make = (over: Partial<Parameters<typeof closedLoopGuard>[0]> = {}) =>
    closedLoopGuard({
      simulator: toySimulator(),
      dense,
      event: 'collision',
      maxRatio: 1.5,
      batch: 100,
      maxScenarios: 400,
      ...over,
    });

  it('rejects a deliberately over-pruned policy with the statistic in the message', async () => {
    await expectNoLeaks(async () => {
      const broken = policy();
      const w = broken.getWeights().map((t) => tf.zerosLike(t));
      broken.setWeights(w); // every weight cut: one constant action
      tf.dispose(w);
      const g = make();
      const err = await g.assertSafe(broken).catch((e) => e);
      expect(err).toBeInstanceOf(ClosedLoopSafetyError);
      expect(err.code).toBe('E_UNSAFE');
      expect(err.verdict.decision).toBe('fail');
      expect(err.message).toMatch(/FAIL after 100 paired scenarios/);
      expect(err.message).toMatch(
        /collision: rate ratio pruned\/dense [0-9.]+ \(98\.75% CI [0-9.]+–[0-9.]+, paired bootstrap\) vs max 1\.5 → fail/,
      );
      expect(err.verdict.events[0].interval.lower).toBeGreaterThan(1.5);
      broken.dispose();
    });
  });

  it('passes an equally safe policy and reports the others events beside', async () => {
    await expectNoLeaks(async () => {
      const same = policy();
      const v = await make().check(same);
      expect(v.decision).toBe('pass');
      expect(v.scenarios).toBe(100);
      expect(v.events.map((e) => e.event)).toEqual(['collision', 'wrong_action']);
      expect(v.events[0].interval.upper).toBeLessThanOrEqual(1.5);
      same.dispose();
    });
  });

  it('passes a slightly worse policy within the margin on more data (exact Poisson test)', async () => {
    await expectNoLeaks(async () => {
      const shifted = policy(0.05);
      const v = await make({ test: 'poisson-exact', maxRatio: 1.6, maxScenarios: 800 }).check(shifted);
      expect(v.decision).toBe('pass');
      const c = v.events[0];
      expect(c.pruned).toBeGreaterThan(c.dense);
      expect(c.interval.lower).toBeLessThan(1.6);
      expect(c.interval.upper).toBeLessThanOrEqual(1.6);
      shifted.dispose();
    });
  });

  it('is undecided at the cap when the margin is too close to tell, and never passes it', async () => {
    await expectNoLeaks(async () => {
      const shifted = policy(0.05);
      const g = make({ maxRatio: 1.1, batch: 50, maxScenarios: 100 });
      const v = await g.check(shifted);
      expect(v.decision).toBe('undecided');
      expect(v.scenarios).toBe(100);
      expect(v.message).toMatch(/UNDECIDED after 100 paired scenarios .*cap reached/);
      expect(v.events[0].interval.lower).toBeLessThanOrEqual(1.1);
      expect(v.events[0].interval.upper).toBeGreaterThan(1.1);
      await expect(g.assertSafe(shifted)).rejects.toThrow(ClosedLoopSafetyError);
      shifted.dispose();
    });
  });

  it('drives the dense policy once per scenario however many candidates are checked', async () => {
    const sim = toySimulator();
    const g = make({ simulator: sim });
    const a = policy();
    await g.check(a);
    await g.check(a);
    expect(sim.calls).toBe(3); // dense once, the candidate twice
    a.dispose();
  });

  it('names the bad field', () => {
    expect(() => make({ event: 'crash' })).toThrow(/one of the simulator's events/);
    expect(() => make({ maxScenarios: 10 })).toThrow(/maxScenarios must be an integer ≥ batch/);
  });

  it('guardedChannelPrune rolls a step back on its verdict; the log carries the statistic', async () => {
    await expectNoLeaks(async () => {
      const res = await guardedChannelPrune(buildGraph(dense), { scorer: byIndex, ratio: 0.25 }, make());
      const step = res.log.steps[0];
      expect(step.accepted).toBe(false);
      expect(step.checks[0].detail).toMatch(/FAIL .* rate ratio pruned\/dense/);
      expect(res.log.reference).toBe(1);
      res.model.dispose();
    });
  });

  it('the search backs off: the over-cut candidate is refused, the next one passes; recovery sees the divergent states', async () => {
    await expectNoLeaks(async () => {
      const seen: number[] = [];
      const res = await closedLoopChannelSearch(buildGraph(dense), make(), {
        candidates: [
          { label: 'signal units first', options: { scorer: byIndex, ratio: 0.25 } },
          { label: 'noise units first', options: { scorer: byReverse, ratio: 0.5 } },
        ],
        recoveryRounds: 1,
        recover: async (_m, ctx) => {
          seen.push(ctx.divergent?.rows ?? 0);
          return `no training (${ctx.divergent?.rows} divergent states)`;
        },
      });
      expect(res.passed).toBe(true);
      expect(res.candidate).toBe('noise units first');
      expect(res.steps.map((s) => `${s.candidate}/${s.stage}/${s.decision}`)).toEqual([
        'signal units first/cut/fail',
        'signal units first/recovery 1/fail',
        'noise units first/cut/pass',
      ]);
      expect(seen[0]).toBeGreaterThan(100);
      expect(res.macsReduction).toBeGreaterThan(1.5);
      res.model.dispose();
    });
  });

  it('the search reports passed: false when nothing passes and keeps the closest candidate only', async () => {
    await expectNoLeaks(async () => {
      const res = await closedLoopChannelSearch(buildGraph(dense), make({ maxScenarios: 100 }), {
        candidates: [
          { label: 'half the signal', options: { scorer: byIndex, ratio: 0.125 } },
          { label: 'all the signal', options: { scorer: byIndex, ratio: 0.25 } },
        ],
        recoveryRounds: 0,
        recover: async () => 'never called',
      });
      expect(res.passed).toBe(false);
      expect(res.steps.map((s) => s.decision)).toEqual(['fail', 'fail']);
      expect(res.verdict?.decision).toBe('fail');
      res.model.dispose();
    });
  });
});
