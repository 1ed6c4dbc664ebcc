/**
 * The road map: a straight one-way main road along +x with `lanes` lanes (lane k's centre line at
 * y = k · laneWidth; lane 0 is the rightmost), crossed by side roads at each junction x. A route is a
 * centre-line polyline sampled every STEP metres: a lane of the main road, or a lane that turns at a
 * junction — straight to x_j − R, a quarter circle of radius R (right turn from lane 0 towards −y,
 * left turn from the top lane towards +y), then straight along the side road.
 */
import type { RoadParams } from './params.js';

/** Spacing of path points, m. */
export const STEP = 0.5;
const START_X = -30;
/** How far the main road and the side roads run past the last junction / the turn, m. */
const RUN_OUT = 400;

export interface Path {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Index of the first point of the turning arc (the path's length when it does not turn). */
  readonly turnStart: number;
  /** -1 right turn, 0 straight, 1 left turn. */
  readonly turn: -1 | 0 | 1;
}

export const laneY = (road: RoadParams, lane: number): number => lane * road.laneWidth;

function fromPoints(points: [number, number][], turnStart: number, turn: Path['turn']): Path {
  return {
    xs: Float64Array.from(points, (p) => p[0]),
    ys: Float64Array.from(points, (p) => p[1]),
    turnStart,
    turn,
  };
}

function straight(
  points: [number, number][],
  x0: number,
  y0: number,
  dx: number,
  dy: number,
  length: number,
) {
  for (let s = 0; s < length; s += STEP) points.push([x0 + dx * s, y0 + dy * s]);
}

// Paths are immutable and asked for again at every spawn, lane change and turn: built once per road.
const cache = new WeakMap<RoadParams, Map<string, Path>>();

function cached(road: RoadParams, key: string, build: () => Path): Path {
  const m = cache.get(road) ?? new Map<string, Path>();
  cache.set(road, m);
  const path = m.get(key) ?? build();
  m.set(key, path);
  return path;
}

/** The centre line of `lane` along the whole main road. */
export function lanePath(road: RoadParams, lane: number): Path {
  return cached(road, `lane ${lane}`, () => buildLane(road, lane));
}

/** `lane` up to the junction at `jx`, then a quarter turn (1 left, -1 right) onto the side road. */
export function turnPath(road: RoadParams, lane: number, jx: number, turn: 1 | -1): Path {
  return cached(road, `turn ${lane} ${jx} ${turn}`, () => buildTurn(road, lane, jx, turn));
}

function buildLane(road: RoadParams, lane: number): Path {
  const points: [number, number][] = [];
  const end = road.junctions[road.junctions.length - 1] + RUN_OUT;
  straight(points, START_X, laneY(road, lane), 1, 0, end - START_X);
  return fromPoints(points, points.length, 0);
}

function buildTurn(road: RoadParams, lane: number, jx: number, turn: 1 | -1): Path {
  const R = road.turnRadius;
  const y = laneY(road, lane);
  const points: [number, number][] = [];
  straight(points, START_X, y, 1, 0, jx - R - START_X);
  const turnStart = points.length;
  const cx = jx - R;
  const cy = y + turn * R;
  const arcSteps = Math.round((0.5 * Math.PI * R) / STEP);
  for (let i = 0; i < arcSteps; i++) {
    const phi = (i / arcSteps) * 0.5 * Math.PI;
    points.push([cx + R * Math.sin(phi), cy - turn * R * Math.cos(phi)]);
  }
  straight(points, jx, cy, 0, turn, RUN_OUT);
  return fromPoints(points, turnStart, turn);
}

/** Index of the path point nearest (x, y), searched from `from` over `window` points (all when omitted). */
export function nearestIndex(p: Path, x: number, y: number, from = 0, window = p.xs.length): number {
  let best = from;
  let bestD = Number.POSITIVE_INFINITY;
  const end = Math.min(p.xs.length, from + window);
  for (let i = Math.max(0, from); i < end; i++) {
    const d = (p.xs[i] - x) ** 2 + (p.ys[i] - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** The first junction strictly ahead of x, or undefined past the last one. */
export function nextJunction(road: RoadParams, x: number): number | undefined {
  return road.junctions.find((j) => j > x);
}
