/**
 * A scene: vehicles spawned on the main road, all stepped together at dt (decide, then controls
 * for everyone from the same snapshot, then the bicycle step), with every step recorded.
 */
import type { Rng } from '@prunekit/core';
import { bicycleStep } from './bicycle.js';
import { control, decide } from './driver.js';
import type { SimParams } from './params.js';
import { lanePath, laneY, nearestIndex } from './road.js';
import { onMainRoad, type Vehicle } from './vehicle.js';

/** Values recorded per vehicle and step: x, y, heading, speed, on-main-road flag. */
export const TRACK_FIELDS = 5;

export interface Recording {
  readonly vehicles: number;
  readonly steps: number;
  /** [steps, vehicles, TRACK_FIELDS] */
  readonly tracks: Float32Array;
}

/** Spawns vehicles on random lanes of [0, spawnLength) with at least 15 m between any two in a lane. */
export function spawn(p: SimParams, rng: Rng): Vehicle[] {
  const [lo, hi] = p.vehicles;
  const n = lo + rng.int(hi - lo + 1);
  const out: Vehicle[] = [];
  for (let tries = 0; out.length < n && tries < 50 * n; tries++) {
    const lane = rng.int(p.road.lanes);
    const x = rng.next() * p.road.spawnLength;
    if (out.some((o) => o.lane === lane && Math.abs(o.state.x - x) < 15)) continue;
    const v0 = p.desiredSpeed[0] + (p.desiredSpeed[1] - p.desiredSpeed[0]) * rng.next();
    const path = lanePath(p.road, lane);
    const y = laneY(p.road, lane);
    out.push({
      state: { x, y, heading: 0, speed: v0 * (0.6 + 0.4 * rng.next()) },
      v0,
      lane,
      path,
      nearest: nearestIndex(path, x, y),
      decidedJunction: Number.NEGATIVE_INFINITY,
      brakeLeft: 0,
      brakeDecel: 0,
      laneCooldown: 2 * rng.next(),
    });
  }
  return out;
}

/** Advances every vehicle by one step of p.dt. */
export function stepScene(vehicles: readonly Vehicle[], p: SimParams, rng: Rng): void {
  for (const v of vehicles) decide(v, vehicles, p, rng);
  const controls = vehicles.map((v) => control(v, vehicles, p, rng));
  vehicles.forEach((v, i) => {
    bicycleStep(v.state, controls[i].steer, controls[i].accel, p.wheelbase, p.dt);
  });
}

/** Runs `warmup` unrecorded steps, then records `steps` steps (the state after each). */
export function runScene(p: SimParams, rng: Rng, warmup: number, steps: number): Recording {
  const vehicles = spawn(p, rng);
  for (let t = 0; t < warmup; t++) stepScene(vehicles, p, rng);
  const n = vehicles.length;
  const tracks = new Float32Array(steps * n * TRACK_FIELDS);
  for (let t = 0; t < steps; t++) {
    stepScene(vehicles, p, rng);
    vehicles.forEach((v, i) => {
      const o = (t * n + i) * TRACK_FIELDS;
      tracks[o] = v.state.x;
      tracks[o + 1] = v.state.y;
      tracks[o + 2] = v.state.heading;
      tracks[o + 3] = v.state.speed;
      tracks[o + 4] = onMainRoad(v) ? 1 : 0;
    });
  }
  return { vehicles: n, steps, tracks };
}
