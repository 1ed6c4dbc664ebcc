/**
 * Agent-centric samples from recorded scenes. For a target vehicle, the frame is its pose at the
 * last history step t0 (origin at its rear axle, x along its heading). Inputs, per history step
 * (HISTORY steps, t0 − 1.9 s … t0): the target's position and velocity in that frame, three map
 * channels, and its K nearest neighbours at t0 (within NEIGHBOUR_RADIUS) as present flag, position,
 * velocity. Output: the target's next FUTURE positions (t0 + 0.1 s … t0 + 3 s) in the same frame, m.
 */
import { createRng } from '@prunekit/core';
import type { SimParams } from './params.js';
import { nextJunction } from './road.js';
import { type Recording, runScene, TRACK_FIELDS } from './scene.js';

export const HISTORY = 20;
export const FUTURE = 30;
export const POS_SCALE = 10;
export const VEL_SCALE = 10;
const NEIGHBOUR_RADIUS = 50;
/** Junction distances are divided by this and clipped to 1. */
const JUNCTION_RANGE = 60;

/** Target: x, y, vx, vy. Map: on main road, distance to the next junction, lateral lane position. */
export const TARGET_CHANNELS = 4;
export const MAP_CHANNELS = 3;
/** Per neighbour: present, x, y, vx, vy. */
export const NEIGHBOUR_CHANNELS = 5;

export const channelCount = (neighbours: number): number =>
  TARGET_CHANNELS + MAP_CHANNELS + NEIGHBOUR_CHANNELS * neighbours;

export interface Samples {
  readonly count: number;
  readonly neighbours: number;
  readonly channels: number;
  /** [count, HISTORY, channels], scaled (positions / POS_SCALE, velocities / VEL_SCALE). */
  readonly x: Float32Array;
  /** [count, FUTURE, 2], metres in the target's frame. */
  readonly y: Float32Array;
}

export interface SampleOptions {
  readonly samples: number;
  readonly seed: number;
  readonly neighbours: number;
}

/** Writes the samples of every vehicle of one recording, up to `room` of them; returns how many. */
function writeScene(
  rec: Recording,
  p: SimParams,
  k: number,
  out: { x: Float32Array; y: Float32Array; at: number },
  room: number,
): number {
  const c = channelCount(k);
  const n = rec.vehicles;
  const t0 = HISTORY - 1;
  const track = (t: number, i: number, f: number) => rec.tracks[(t * n + i) * TRACK_FIELDS + f];
  const laneSpan = p.road.laneWidth * Math.max(1, p.road.lanes - 1);
  let written = 0;
  for (let target = 0; target < n && written < room; target++, written++) {
    const x0 = track(t0, target, 0);
    const y0 = track(t0, target, 1);
    const h0 = track(t0, target, 2);
    const cos = Math.cos(h0);
    const sin = Math.sin(h0);
    const local = (x: number, y: number): [number, number] => [
      cos * (x - x0) + sin * (y - y0),
      -sin * (x - x0) + cos * (y - y0),
    ];
    const vel = (t: number, i: number): [number, number] => {
      const v = track(t, i, 3);
      const dh = track(t, i, 2) - h0;
      return [v * Math.cos(dh), v * Math.sin(dh)];
    };
    const near = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i !== target)
      .map((i) => ({ i, d: Math.hypot(track(t0, i, 0) - x0, track(t0, i, 1) - y0) }))
      .filter((o) => o.d <= NEIGHBOUR_RADIUS)
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .slice(0, k);
    const s = out.at + written;
    for (let t = 0; t < HISTORY; t++) {
      const o = (s * HISTORY + t) * c;
      const [px, py] = local(track(t, target, 0), track(t, target, 1));
      const [vx, vy] = vel(t, target);
      out.x[o] = px / POS_SCALE;
      out.x[o + 1] = py / POS_SCALE;
      out.x[o + 2] = vx / VEL_SCALE;
      out.x[o + 3] = vy / VEL_SCALE;
      const main = track(t, target, 4) === 1;
      const wx = track(t, target, 0);
      const jx = nextJunction(p.road, wx);
      out.x[o + 4] = main ? 1 : 0;
      out.x[o + 5] = main && jx !== undefined ? Math.min(1, (jx - wx) / JUNCTION_RANGE) : 1;
      out.x[o + 6] = main ? track(t, target, 1) / laneSpan : 0;
      near.forEach(({ i }, j) => {
        const q = o + TARGET_CHANNELS + MAP_CHANNELS + j * NEIGHBOUR_CHANNELS;
        const [nx, ny] = local(track(t, i, 0), track(t, i, 1));
        const [nvx, nvy] = vel(t, i);
        out.x[q] = 1;
        out.x[q + 1] = nx / POS_SCALE;
        out.x[q + 2] = ny / POS_SCALE;
        out.x[q + 3] = nvx / VEL_SCALE;
        out.x[q + 4] = nvy / VEL_SCALE;
      });
    }
    for (let f = 0; f < FUTURE; f++) {
      const [fx, fy] = local(track(HISTORY + f, target, 0), track(HISTORY + f, target, 1));
      out.y[(s * FUTURE + f) * 2] = fx;
      out.y[(s * FUTURE + f) * 2 + 1] = fy;
    }
  }
  return written;
}

/** `samples` samples from as many scenes as needed (each after a random 2–10 s warm-up); same seed → same bytes. */
export function generateSamples(p: SimParams, o: SampleOptions): Samples {
  const rng = createRng(o.seed);
  const c = channelCount(o.neighbours);
  const out = {
    x: new Float32Array(o.samples * HISTORY * c),
    y: new Float32Array(o.samples * FUTURE * 2),
    at: 0,
  };
  while (out.at < o.samples) {
    const rec = runScene(p, rng, 20 + rng.int(81), HISTORY + FUTURE);
    out.at += writeScene(rec, p, o.neighbours, out, o.samples - out.at);
  }
  return { count: o.samples, neighbours: o.neighbours, channels: c, x: out.x, y: out.y };
}
