/**
 * Seeded occupancy maps with a start and a goal joined by a path. Rules (in this order): straight
 * walls across the map, each with gaps; solid rectangles; scattered single blocks; then start and
 * goal drawn among the free cells at least `minDistance` apart (octile) until A* joins them. A map
 * where 50 draws fail is thrown away and drawn again. Same seed → same maps, byte for byte.
 */
import type { Rng } from '@prunekit/core';
import { type AStarPath, aStar } from './astar.js';
import { type Grid, octile } from './grid.js';
import type { MapParams } from './params.js';

export interface Episode {
  readonly grid: Grid;
  readonly start: number;
  readonly goal: number;
  /** The expert's path from start to goal. */
  readonly path: AStarPath;
}

const between = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + rng.int(hi - lo + 1);

function drawObstacles(p: MapParams, rng: Rng): Uint8Array {
  const n = p.size;
  const occ = new Uint8Array(n * n);
  const set = (x: number, y: number, v: number) => {
    if (x >= 0 && y >= 0 && x < n && y < n) occ[y * n + x] = v;
  };
  const walls = between(rng, p.walls);
  for (let w = 0; w < walls; w++) {
    const horizontal = rng.next() < 0.5;
    const line = 3 + rng.int(n - 6);
    const cell = (t: number): [number, number] => (horizontal ? [t, line] : [line, t]);
    for (let t = 0; t < n; t++) set(...cell(t), 1);
    for (let g = 0; g < p.gapsPerWall; g++) {
      const width = between(rng, p.gapWidth);
      const at = rng.int(n - width + 1);
      for (let t = at; t < at + width; t++) set(...cell(t), 0);
    }
  }
  const rects = between(rng, p.rects);
  for (let r = 0; r < rects; r++) {
    const w = between(rng, p.rectSide);
    const h = between(rng, p.rectSide);
    const x0 = rng.int(n - w + 1);
    const y0 = rng.int(n - h + 1);
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) set(x, y, 1);
  }
  for (let i = 0; i < n * n; i++) if (rng.next() < p.blockDensity) occ[i] = 1;
  return occ;
}

/** One episode drawn from `rng` (advances it). */
export function generateEpisode(p: MapParams, rng: Rng): Episode {
  for (;;) {
    const grid: Grid = { size: p.size, occ: drawObstacles(p, rng) };
    const free: number[] = [];
    grid.occ.forEach((v, i) => {
      if (v === 0) free.push(i);
    });
    if (free.length < 2) continue;
    for (let tries = 0; tries < 50; tries++) {
      const start = free[rng.int(free.length)];
      const goal = free[rng.int(free.length)];
      if (octile(p.size, start, goal) < p.minDistance) continue;
      const path = aStar(grid, start, goal);
      if (path) return { grid, start, goal, path };
    }
  }
}

/** `count` episodes from one seed. */
export function generateEpisodes(p: MapParams, rng: Rng, count: number): Episode[] {
  return Array.from({ length: count }, () => generateEpisode(p, rng));
}
