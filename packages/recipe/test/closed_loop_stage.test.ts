// The closed-loop safety stage the planner examples share: the guard and comparison built from the
// recipe's `safety` section, and the back-off search (fine-tune first, then the divergent states).
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@prunekit/core';
import type { ClosedLoopSimulator, DriveOptions, ScenarioOutcome } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClosedLoopSafety, closedLoopSearchStage, compareWithDense, safetyGuard } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

const safety: ClosedLoopSafety = {
  maxRatio: 1.2,
  confidence: 0.95,
  test: 'poisson-exact',
  guardBatch: 100,
  daggerRounds: 1,
};

function dense(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'h', inputShape: [4], units: 8, activation: 'relu' }),
      tfl.layers.dense({ name: 'out', units: 2 }),
    ],
  });
  return m;
}

/**
 * Scenario i has a background collision with probability 0.3 (drawn from i alone, so paired); a
 * model not in `healed` (and not the dense one) collides 3 more times. With a shadow it reports 5
 * divergent rows per scenario, labelled 1.
 */
function toy(d: tfl.LayersModel, healed: Set<tfl.LayersModel>): ClosedLoopSimulator {
  return {
    name: 'toy',
    unit: 'run',
    events: ['collision'],
    drive(model: tfl.LayersModel, first: number, count: number, o: DriveOptions = {}) {
      const outcomes: ScenarioOutcome[] = Array.from({ length: count }, (_, k) => {
        const luck = createRng(first + k).next() < 0.3 ? 1 : 0;
        return { exposure: 1, events: { collision: luck + (model === d || healed.has(model) ? 0 : 3) } };
      });
      if (!o.shadow) return { outcomes };
      const rows = 5 * count;
      return {
        outcomes,
        divergent: { x: new Float32Array(rows * 4), rows, shape: [4], labels: new Int32Array(rows).fill(1) },
      };
    },
  };
}

const settings = (ratio: number, scope: 'local' | 'global' = 'local') => ({
  scorer: magnitude({ p: 2 }),
  ratio,
  scope,
  roundTo: 1,
  seed: 0,
});

describe('closed-loop safety stage', () => {
  it('the guard and the comparison carry the section: limit, test, confidence, looks; a worse policy fails with the statistic', async () => {
    const d = dense();
    const sim = toy(d, new Set());
    const g = safetyGuard(d, { simulator: sim, safety, maxScenarios: 300, per: 100, seed: 1 });
    expect(g.options).toMatchObject({
      maxRatio: 1.2,
      test: 'poisson-exact',
      batch: 100,
      maxScenarios: 300,
      per: 100,
    });
    const worse = sim.drive(dense(), 0, 200) as { outcomes: ScenarioOutcome[] };
    const same = sim.drive(d, 0, 200) as { outcomes: ScenarioOutcome[] };
    const v = compareWithDense(worse.outcomes, same.outcomes, { simulator: sim, safety, per: 100, seed: 1 });
    expect(v.decision).toBe('fail');
    expect(v.message).toMatch(
      /collision: rate ratio pruned\/dense \d+\.\d+ \(95% CI .*exact conditional Poisson test\) vs max 1\.2 → fail/,
    );
    d.dispose();
  });

  it('the search fine-tunes a cut first, then trains it on the labelled divergent states, and sums the epochs', async () => {
    const d = dense();
    const before = tf.memory().numTensors;
    const healed = new Set<tfl.LayersModel>();
    const calls: string[] = [];
    const res = await closedLoopSearchStage({
      dense: d,
      simulator: toy(d, healed),
      // Healed, it drives exactly as the dense policy: the paired bootstrap is then degenerate at 1.
      safety: { ...safety, test: 'paired-bootstrap' },
      maxScenarios: 200,
      seed: 1,
      settings,
      cuts: [{ ratio: 0.25, scope: 'local' }],
      macsTarget: 1,
      fineTune: async (_m, ctx) => {
        calls.push(`fine-tune ${ctx.round}`);
        return { epochs: 3, note: 'fine-tuned (no effect)' };
      },
      learnDivergent: async (m, states, ctx) => {
        calls.push(`divergent ${ctx.round}: ${states.rows} rows, labels ${states.labels[0]}`);
        healed.add(m);
        return { epochs: 2, note: 'learned the divergent states' };
      },
    });
    expect(calls).toEqual(['fine-tune 1', 'divergent 2: 500 rows, labels 1']);
    expect(res.passed).toBe(true);
    expect(res.epochs).toBe(5);
    expect(res.steps.map((s) => s.decision)).toEqual(['fail', 'fail', 'pass']);
    expect(res.steps[2].message).toMatch(/PASS/);
    res.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    d.dispose();
  });

  it('a cut short of the MACs target is rejected before it is driven, and names the target', async () => {
    const d = dense();
    const before = tf.memory().numTensors;
    const res = await closedLoopSearchStage({
      dense: d,
      simulator: toy(d, new Set()),
      safety,
      maxScenarios: 200,
      seed: 1,
      settings,
      cuts: [{ ratio: 0.25, scope: 'global' }],
      macsTarget: 10,
      fineTune: async () => ({ epochs: 0, note: '' }),
      learnDivergent: async () => ({ epochs: 0, note: '' }),
    });
    expect(res.passed).toBe(false);
    expect(res.steps[0].decision).toBe('rejected');
    expect(res.steps[0].message).toMatch(/misses the 10x target/);
    res.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    d.dispose();
  });
});
