/**
 * Expert demonstrations: for every episode, each cell of the expert's path (but the goal) and, for
 * recovery, `offPath` × path-length random reachable cells off it; each labelled with the expert's
 * heading from that cell (the first move of A* from there). Same seed → same bytes.
 */
import { createRng } from '@prunekit/core';
import { expertMove } from './astar.js';
import { costToGo } from './cost_to_go.js';
import { generateEpisode } from './maps.js';
import { observationSize, observe } from './observe.js';
import type { MapParams } from './params.js';

export interface Demonstrations {
  /** Observations, `count` × observationSize(radius), NHWC. */
  readonly x: Float32Array;
  /** Expert headings 0..7. */
  readonly y: Uint8Array;
  readonly count: number;
  readonly radius: number;
}

export interface DemoOptions {
  readonly episodes: number;
  readonly seed: number;
  readonly radius: number;
  /** Off-path states per on-path state (e.g. 0.5). */
  readonly offPath: number;
}

export function generateDemonstrations(p: MapParams, o: DemoOptions): Demonstrations {
  const rng = createRng(o.seed);
  const rows: {
    cells: number[];
    labels: number[];
    cost: Float64Array;
    ep: ReturnType<typeof generateEpisode>;
  }[] = [];
  let count = 0;
  for (let e = 0; e < o.episodes; e++) {
    const ep = generateEpisode(p, rng);
    const cost = costToGo(ep.grid, ep.goal);
    const cells = ep.path.cells.slice(0, -1);
    const labels = ep.path.moves.map((_, i) => expertMove(ep.grid, cells[i], ep.goal));
    const reachable: number[] = [];
    cost.forEach((c, i) => {
      if (Number.isFinite(c) && i !== ep.goal) reachable.push(i);
    });
    const extra = Math.round(o.offPath * cells.length);
    for (let k = 0; k < extra; k++) {
      const c = reachable[rng.int(reachable.length)];
      cells.push(c);
      labels.push(expertMove(ep.grid, c, ep.goal));
    }
    rows.push({ cells, labels, cost, ep });
    count += cells.length;
  }
  const size = observationSize(o.radius);
  const x = new Float32Array(count * size);
  const y = new Uint8Array(count);
  let r = 0;
  for (const { cells, labels, cost, ep } of rows) {
    cells.forEach((c, i) => {
      observe(ep.grid, cost, c, ep.goal, o.radius, x, r * size);
      y[r++] = labels[i];
    });
  }
  return { x, y, count, radius: o.radius };
}

/** How many rows carry each heading. */
export function headingCounts(y: Uint8Array): number[] {
  const n = new Array(8).fill(0);
  for (const v of y) n[v]++;
  return n;
}
