import { createHash } from 'node:crypto';
import { createRng } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { constantVelocity, displacement } from '../src/metrics.js';
import { bicycleStep, type VehicleState } from '../src/sim/bicycle.js';
import { control } from '../src/sim/driver.js';
import { idmAccel } from '../src/sim/idm.js';
import { DEFAULT_PARAMS as P } from '../src/sim/params.js';
import { lanePath, laneY, nearestIndex, turnPath } from '../src/sim/road.js';
import { channelCount, FUTURE, generateSamples, HISTORY } from '../src/sim/samples.js';
import type { Vehicle } from '../src/sim/vehicle.js';

const sha = (d: { x: Float32Array; y: Float32Array }) =>
  createHash('sha256').update(new Uint8Array(d.x.buffer)).update(new Uint8Array(d.y.buffer)).digest('hex');

/** A lone vehicle (no noise) on `path`, driven by the example's controller for `steps` steps. */
function drive(path: Vehicle['path'], start: VehicleState, steps: number) {
  const p = { ...P, accelNoise: 0, steerNoise: 0 };
  const v: Vehicle = {
    state: { ...start },
    v0: 14,
    lane: 0,
    path,
    nearest: nearestIndex(path, start.x, start.y),
    decidedJunction: Number.POSITIVE_INFINITY,
    brakeLeft: 0,
    brakeDecel: 0,
    laneCooldown: 100,
  };
  const rng = createRng(1);
  const speeds: number[] = [];
  for (let t = 0; t < steps; t++) {
    const c = control(v, [v], p, rng);
    bicycleStep(v.state, c.steer, c.accel, p.wheelbase, p.dt);
    speeds.push(v.state.speed);
  }
  return { state: v.state, speeds };
}

describe('trajectory simulator', () => {
  it('same seed → identical sample bytes; another seed → different', () => {
    const o = { samples: 120, seed: 42, neighbours: 3 };
    const a = generateSamples(P, o);
    const b = generateSamples(P, o);
    const c = generateSamples(P, { ...o, seed: 43 });
    expect(a.x.length).toBe(120 * HISTORY * channelCount(3));
    expect(a.y.length).toBe(120 * FUTURE * 2);
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
    expect(a.x.every(Number.isFinite) && a.y.every(Number.isFinite)).toBe(true);
  });

  it('kinematic bicycle: straight at constant speed, and yaw rate v·tan(δ)/L in a steady turn', () => {
    const s: VehicleState = { x: 0, y: 0, heading: 0, speed: 10 };
    for (let t = 0; t < 10; t++) bicycleStep(s, 0, 0, P.wheelbase, P.dt);
    expect(s.x).toBeCloseTo(10, 9);
    expect(s.y).toBeCloseTo(0, 9);
    const turn: VehicleState = { x: 0, y: 0, heading: 0, speed: 5 };
    const delta = 0.2;
    for (let t = 0; t < 20; t++) bicycleStep(turn, delta, 0, P.wheelbase, P.dt);
    expect(turn.heading).toBeCloseTo(((5 * Math.tan(delta)) / P.wheelbase) * 2, 9);
    // On a circle of radius L / tan δ around (0, R).
    const R = P.wheelbase / Math.tan(delta);
    expect(Math.hypot(turn.x, turn.y - R)).toBeCloseTo(R, 2);
    const braking: VehicleState = { x: 0, y: 0, heading: 0, speed: 1 };
    bicycleStep(braking, 0, -50, P.wheelbase, P.dt);
    expect(braking.speed).toBe(0);
  });

  it('IDM: free road accelerates below v0, a close slow leader forces braking', () => {
    expect(idmAccel(10, 15, undefined, P.idm)).toBeGreaterThan(0);
    expect(idmAccel(15, 15, undefined, P.idm)).toBeCloseTo(0, 9);
    expect(idmAccel(15, 15, { gap: 8, speed: 5 }, P.idm)).toBeLessThan(-P.idm.b);
  });

  it('pure pursuit brings a vehicle 1.5 m off its lane back to the centre line', () => {
    const y0 = laneY(P.road, 1);
    const { state } = drive(lanePath(P.road, 1), { x: 0, y: y0 + 1.5, heading: 0, speed: 12 }, 80);
    expect(Math.abs(state.y - y0)).toBeLessThan(0.1);
    expect(Math.abs(state.heading)).toBeLessThan(0.02);
  });

  it('a right turn slows to the turn speed and leaves heading −90° along the side road', () => {
    const jx = P.road.junctions[0];
    const path = turnPath(P.road, 0, jx, -1);
    const { state, speeds } = drive(path, { x: jx - 80, y: 0, heading: 0, speed: 14 }, 140);
    const vTurn = Math.sqrt(P.turnLateralAccel * P.road.turnRadius);
    expect(Math.min(...speeds)).toBeLessThan(vTurn + 0.5);
    expect(state.heading).toBeCloseTo(-Math.PI / 2, 1);
    expect(Math.abs(state.x - jx)).toBeLessThan(0.3);
    expect(state.y).toBeLessThan(-P.road.turnRadius);
  });

  it('a lone vehicle without lane changes, turns or braking stays in its lane; a perfect prediction scores zero', () => {
    const d = generateSamples(
      {
        ...P,
        laneChangeRate: 0,
        brakeRate: 0,
        turnProbability: 0,
        accelNoise: 0,
        steerNoise: 0,
        vehicles: [1, 1],
        desiredSpeed: [12, 12],
      },
      { samples: 5, seed: 3, neighbours: 2 },
    );
    const cv = constantVelocity(d.x, d.count, d.channels, P.dt);
    const m = displacement(cv, d.y, d.count);
    expect(m.ade).toBeGreaterThanOrEqual(0);
    expect(m.fde).toBeGreaterThanOrEqual(m.ade);
    for (let s = 0; s < d.count; s++)
      expect(Math.abs(d.y[(s * FUTURE + FUTURE - 1) * 2 + 1])).toBeLessThan(0.05);
    expect(displacement(d.y, d.y, d.count)).toEqual({ ade: 0, fde: 0, missRate: 0 });
  });
});
