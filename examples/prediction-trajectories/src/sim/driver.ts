/**
 * Behaviour of one vehicle for one step: decisions (turn at the coming junction, lane change,
 * braking event), then the controls — steering by pure pursuit on its route, acceleration from IDM
 * behind its leader with the desired speed capped before a turn, overridden by a braking event.
 */
import type { Rng } from '@prunekit/core';
import { idmAccel, type Leader } from './idm.js';
import type { SimParams } from './params.js';
import { pursuitSteer } from './pursuit.js';
import { lanePath, laneY, nearestIndex, nextJunction, STEP, turnPath } from './road.js';
import { onMainRoad, type Vehicle } from './vehicle.js';

export interface Controls {
  readonly steer: number;
  readonly accel: number;
}

const uniform = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rng.next();

/** The nearest vehicle ahead within ±0.3 lane widths of the own heading line (own frame). */
export function findLeader(v: Vehicle, all: readonly Vehicle[], p: SimParams): Leader | undefined {
  const { x, y, heading } = v.state;
  const c = Math.cos(heading);
  const s = Math.sin(heading);
  let best: Leader | undefined;
  for (const o of all) {
    if (o === v) continue;
    const dx = o.state.x - x;
    const dy = o.state.y - y;
    const ahead = c * dx + s * dy;
    const side = -s * dx + c * dy;
    if (ahead <= 0 || ahead > 100 || Math.abs(side) > 0.3 * p.road.laneWidth) continue;
    const gap = ahead - p.carLength;
    if (!best || gap < best.gap) best = { gap, speed: o.state.speed * Math.cos(o.state.heading - heading) };
  }
  return best;
}

/** True when no vehicle on the main road is within [x − 12, x + 20] m in `lane`. */
function laneFree(v: Vehicle, lane: number, all: readonly Vehicle[], p: SimParams): boolean {
  const y = laneY(p.road, lane);
  return all.every(
    (o) =>
      o === v ||
      !onMainRoad(o) ||
      Math.abs(o.state.y - y) > 0.6 * p.road.laneWidth ||
      o.state.x < v.state.x - 12 ||
      o.state.x > v.state.x + 20,
  );
}

function switchPath(v: Vehicle, path: Vehicle['path']): void {
  v.path = path;
  v.nearest = nearestIndex(path, v.state.x, v.state.y);
}

/** Turn, lane-change and braking decisions (random, through `rng`). */
export function decide(v: Vehicle, all: readonly Vehicle[], p: SimParams, rng: Rng): void {
  const { road, dt } = p;
  v.laneCooldown = Math.max(0, v.laneCooldown - dt);
  v.brakeLeft = Math.max(0, v.brakeLeft - dt);
  if (v.brakeLeft === 0 && rng.next() < p.brakeRate * dt) {
    v.brakeLeft = uniform(rng, p.brakeDuration);
    v.brakeDecel = uniform(rng, p.brakeDecel);
  }
  if (v.path.turn !== 0) return; // committed to a turn: no more decisions
  const jx = nextJunction(road, v.state.x);
  if (jx !== undefined && jx > v.decidedJunction && jx - v.state.x <= p.turnDecision) {
    v.decidedJunction = jx;
    const edge = v.lane === 0 ? -1 : v.lane === road.lanes - 1 ? 1 : 0;
    // Only from a settled edge lane (not mid lane change), and with the decision's probability.
    const settled = Math.abs(v.state.y - laneY(road, v.lane)) < 0.2 * road.laneWidth;
    if (edge !== 0 && settled && jx - road.turnRadius > v.state.x + 5 && rng.next() < p.turnProbability) {
      switchPath(v, turnPath(road, v.lane, jx, edge));
      return;
    }
  }
  if (v.laneCooldown === 0 && rng.next() < p.laneChangeRate * dt) {
    const side = rng.next() < 0.5 ? -1 : 1;
    const target = v.lane + side;
    if (target >= 0 && target < road.lanes && laneFree(v, target, all, p)) {
      v.lane = target;
      v.laneCooldown = 5;
      switchPath(v, lanePath(road, target));
    }
  }
}

/** Steering and acceleration for this step (noise through `rng`), within the vehicle's limits. */
export function control(v: Vehicle, all: readonly Vehicle[], p: SimParams, rng: Rng): Controls {
  const s = v.state;
  v.nearest = nearestIndex(v.path, s.x, s.y, v.nearest, 40);
  const ld = p.lookahead.base + p.lookahead.gain * s.speed;
  const steer = pursuitSteer(s, v.path, v.nearest, ld, p.wheelbase) + p.steerNoise * rng.normal();
  let v0 = v.v0;
  if (v.path.turn !== 0) {
    // Slow to the turn speed √(aLat R) with comfortable deceleration b before the arc.
    const vTurn = Math.sqrt(p.turnLateralAccel * p.road.turnRadius);
    const toArc = Math.max(0, (v.path.turnStart - v.nearest) * STEP);
    const onArc =
      v.nearest >= v.path.turnStart &&
      v.nearest < v.path.turnStart + (Math.PI * p.road.turnRadius) / (2 * STEP);
    v0 = Math.min(v0, onArc ? vTurn : Math.sqrt(vTurn ** 2 + 2 * p.idm.b * toArc));
  }
  let accel = idmAccel(s.speed, v0, findLeader(v, all, p), p.idm);
  if (v.brakeLeft > 0) accel = Math.min(accel, -v.brakeDecel);
  accel += p.accelNoise * rng.normal();
  return {
    steer: Math.max(-p.maxSteer, Math.min(p.maxSteer, steer)),
    accel: Math.max(-p.maxBrake, Math.min(p.maxAccel, accel)),
  };
}
