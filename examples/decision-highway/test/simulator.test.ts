import { createHash } from 'node:crypto';
import { createRng } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { closedLoop, expertPolicy } from '../src/closed_loop.js';
import { idmAccel } from '../src/sim/idm.js';
import { generateDemonstrations } from '../src/sim/dataset.js';
import { expertAction } from '../src/sim/expert.js';
import { featureCount } from '../src/sim/features.js';
import { BRAKE, DEFAULT_PARAMS as P, LEFT, RIGHT } from '../src/sim/params.js';
import { createWorld, neighbours, type World } from '../src/sim/world.js';

const sha = (d: { x: Float32Array; y: Uint8Array }) =>
  createHash('sha256').update(new Uint8Array(d.x.buffer)).update(d.y).digest('hex');

describe('highway simulator', () => {
  it('same seed → identical demonstration bytes; another seed → different', () => {
    const a = generateDemonstrations(P, { samples: 3000, seed: 42 });
    const b = generateDemonstrations(P, { samples: 3000, seed: 42 });
    const c = generateDemonstrations(P, { samples: 3000, seed: 43 });
    expect(a.features).toBe(featureCount(P.road.lanes));
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
    expect(a.x.every(Number.isFinite)).toBe(true);
  });

  it('same seed → identical closed-loop figures', () => {
    const o = { worlds: 2, steps: 60, seed: 9 };
    expect(closedLoop(expertPolicy(P), P, o)).toEqual(closedLoop(expertPolicy(P), P, o));
  });

  it('scenario i is the same highway whichever batch drives it (the pairing of the closed-loop guard)', () => {
    const o = { steps: 40, seed: 9, egos: 3 };
    const all = closedLoop(expertPolicy(P), P, { ...o, worlds: 4 });
    const one = closedLoop(expertPolicy(P), P, { ...o, worlds: 1, first: 2 });
    expect(one.outcomes[0]).toEqual(all.outcomes[2]);
    expect(all.outcomes.every((w) => w.exposure > 0)).toBe(true);
    expect(Object.keys(all.outcomes[0].events)).toEqual([
      'collision',
      'near_miss',
      'off_road',
      'cut_in',
      'hard_brake',
    ]);
  });

  it('IDM: free road accelerates below v0, a close slow leader forces braking', () => {
    expect(idmAccel(20, 30, undefined, P.idm)).toBeGreaterThan(0);
    expect(idmAccel(30, 30, undefined, P.idm)).toBeCloseTo(0, 6);
    expect(idmAccel(30, 30, { gap: 10, v: 10 }, P.idm)).toBeLessThan(-P.idm.b);
  });

  it('expert: brakes behind a stopped car, changes lane to pass a slow leader on an open lane', () => {
    const world = (cars: World['cars']): World => ({ road: P.road, cars });
    const stopped = world([
      { x: 100, lane: 1, v: 25, v0: 30, cooldown: 2 },
      { x: 125, lane: 1, v: 0, v0: 30, cooldown: 0 },
    ]);
    expect(expertAction(stopped, 0, P)).toBe(BRAKE);
    const slow = world([
      { x: 100, lane: 1, v: 25, v0: 33, cooldown: 0 },
      { x: 150, lane: 1, v: 15, v0: 15, cooldown: 0 },
    ]);
    expect([LEFT, RIGHT]).toContain(expertAction(slow, 0, P));
  });

  it('neighbours wrap round the ring', () => {
    const w = createWorld(P.road, createRng(1), 6);
    for (let i = 0; i < w.cars.length; i++) {
      const n = neighbours(w, i, w.cars[i].lane);
      expect(n.lead).toBeDefined();
      expect(n.lead!.gap).toBeGreaterThanOrEqual(-P.road.carLength);
      expect(n.lead!.gap).toBeLessThan(P.road.length);
    }
  });
});
