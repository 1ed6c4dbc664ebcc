import { closedLoopGuard, ClosedLoopSafetyError, HardBraking } from '@prunekit/pruners';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedLoop, highwaySimulator, modelPolicy } from '../src/closed_loop.js';
import { featureCount } from '../src/sim/features.js';
import { ACTIONS, BRAKE, DEFAULT_PARAMS as P, KEEP } from '../src/sim/params.js';

/** A policy network that always picks `action` (zero weights, its bias the largest). */
function constantPolicy(action: number): tfl.LayersModel {
  const f = featureCount(P.road.lanes);
  const m = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [f], units: ACTIONS.length, activation: 'softmax' })],
  });
  const bias = new Float32Array(ACTIONS.length);
  bias[action] = 5;
  const weights = [tf.zeros(m.getWeights()[0].shape), tf.tensor1d(bias)];
  m.setWeights(weights);
  for (const t of weights) t.dispose();
  return m;
}

describe('hard braking as a closed-loop event', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('counts a mean deceleration over the window above the threshold once per braking, and restarts after a collision', () => {
    const h = new HardBraking(1, 3, 0.5, 2.5);
    // 3 m/s² for four steps of 0.5 s (one braking), then steady, then a collision's drop, then steady.
    const trace = [30, 28.5, 27, 25.5, 24, 24, 24, 24, 10, 10, 10, 10];
    const counted = trace.map((v, i) => h.step(0, v, i === 8));
    expect(counted).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Two brake steps in a row (1.5 m/s over 1.5 s) stay below 2.5 m/s².
    const short = new HardBraking(1, 3, 0.5, 2.5);
    expect([30, 30, 30, 28.5, 27, 27, 27].map((v) => short.step(0, v))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('flags a policy that always brakes against one that never does, with the statistic in the message', async () => {
    const before = tf.memory().numTensors;
    const braking = constantPolicy(BRAKE);
    const steady = constantPolicy(KEEP);
    try {
      const o = { steps: 30, seed: 5, egos: 4, hardBrake: 2.5, hardBrakeWindow: 1.5 };
      const brakes = closedLoop(modelPolicy(braking), P, { ...o, worlds: 3 });
      const keeps = closedLoop(modelPolicy(steady), P, { ...o, worlds: 3 });
      const count = (e: typeof brakes) => e.outcomes.reduce((a, w) => a + (w.events.hard_brake ?? 0), 0);
      // Each ego brakes once from its speed to a stop (counted once), never again while stopped.
      expect(count(brakes)).toBeGreaterThan(0);
      expect(count(brakes)).toBeLessThanOrEqual(3 * 4);
      // Keeping the speed never decelerates, except by collisions, which restart the window.
      expect(count(keeps)).toBe(0);
      const guard = closedLoopGuard({
        simulator: highwaySimulator(P, o),
        dense: steady,
        event: 'hard_brake',
        maxRatio: 1.2,
        batch: 3,
        maxScenarios: 6,
        per: 1000,
        resamples: 200,
      });
      const err = await guard.assertSafe(braking).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClosedLoopSafetyError);
      const v = (err as ClosedLoopSafetyError).verdict;
      expect(v.decision).toBe('fail');
      expect(v.scenarios).toBe(3);
      expect(v.events[0].event).toBe('hard_brake');
      expect(v.events[0].pruned).toBe(count(brakes));
      expect(v.events[0].dense).toBe(0);
      expect((err as Error).message).toMatch(
        /hard_brake: rate ratio pruned\/dense .* CI .* vs max 1\.2 → fail/,
      );
      expect((err as Error).message).toMatch(/look 1 of 2/);
    } finally {
      braking.dispose();
      steady.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
