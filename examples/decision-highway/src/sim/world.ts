/**
 * A ring road of `lanes` lanes: vehicles are points on a circle of `length` metres (front bumper
 * position x), lane 0 is the rightmost. Neighbour queries return the nearest vehicle ahead and
 * behind in a lane, with bumper-to-bumper gaps.
 */
import type { Rng } from '@prunekit/core';
import type { RoadParams } from './params.js';

export interface Car {
  x: number;
  lane: number;
  v: number;
  readonly v0: number;
  /** Steps left before another lane change is allowed. */
  cooldown: number;
}

export interface World {
  readonly road: RoadParams;
  readonly cars: Car[];
}

export interface Neighbour {
  readonly index: number;
  /** Bumper-to-bumper gap (m); negative when the two overlap. */
  readonly gap: number;
}

export interface Neighbours {
  readonly lead?: Neighbour;
  readonly follow?: Neighbour;
}

/** Car indices per lane sorted by position (ties by index), and each lane's sorted positions. */
interface LaneIndex {
  readonly cars: Int32Array[];
  readonly xs: Float64Array[];
}

const indexCache = new WeakMap<World, LaneIndex>();

/** Call after moving any car or changing its lane. */
export function invalidate(world: World): void {
  indexCache.delete(world);
}

function laneIndex(world: World): LaneIndex {
  let idx = indexCache.get(world);
  if (idx) return idx;
  const per: number[][] = Array.from({ length: world.road.lanes }, () => []);
  for (let j = 0; j < world.cars.length; j++) per[world.cars[j].lane].push(j);
  const cars = per.map((l) => Int32Array.from(l.sort((a, b) => world.cars[a].x - world.cars[b].x || a - b)));
  idx = { cars, xs: cars.map((l) => Float64Array.from(l, (j) => world.cars[j].x)) };
  indexCache.set(world, idx);
  return idx;
}

/** First position in the sorted array with value ≥ x. */
function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Nearest vehicle ahead (position ≥ car i's, wrapping round the ring) and behind (position <
 * car i's) in `lane`, car i itself excluded.
 */
export function neighbours(world: World, i: number, lane: number): Neighbours {
  const { length: L, carLength } = world.road;
  const me = world.cars[i];
  const idx = laneIndex(world);
  const cars = idx.cars[lane];
  const xs = idx.xs[lane];
  const m = cars.length;
  if (m === 0 || (m === 1 && cars[0] === i)) return {};
  const at = lowerBound(xs, me.x);
  let lead = -1;
  for (let k = 0; k < m; k++) {
    const j = cars[(at + k) % m];
    if (j !== i) {
      lead = j;
      break;
    }
  }
  let follow = -1;
  for (let k = 1; k <= m; k++) {
    const j = cars[(at - k + m * 2) % m];
    if (j !== i) {
      follow = j;
      break;
    }
  }
  const lx = world.cars[lead].x;
  const fx = world.cars[follow].x;
  const ahead = (((lx - me.x) % L) + L) % L;
  const behind = (((me.x - fx) % L) + L) % L;
  return {
    lead: { index: lead, gap: ahead - carLength },
    // A follower level with car i sits a full lap behind in ring order.
    follow: { index: follow, gap: (behind === 0 ? L : behind) - carLength },
  };
}

/** A world of `n` vehicles spread over the lanes with random gaps and speeds near their v0. */
export function createWorld(road: RoadParams, rng: Rng, n?: number): World {
  const count = n ?? road.cars[0] + rng.int(road.cars[1] - road.cars[0] + 1);
  const cars: Car[] = [];
  const perLane = Math.ceil(count / road.lanes);
  const slot = road.length / perLane;
  for (let k = 0; k < count; k++) {
    const lane = k % road.lanes;
    const idx = Math.floor(k / road.lanes);
    const v0 = road.v0[0] + rng.next() * (road.v0[1] - road.v0[0]);
    // Jitter inside the slot, leaving room for a car and 2 m at least.
    const room = Math.max(0, slot - road.carLength - 2);
    cars.push({ x: idx * slot + rng.next() * room, lane, v: v0 * (0.6 + 0.3 * rng.next()), v0, cooldown: 0 });
  }
  return { road, cars };
}
