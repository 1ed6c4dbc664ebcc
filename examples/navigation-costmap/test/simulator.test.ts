import { createHash } from 'node:crypto';
import { createRng } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { closedLoop, expertPolicy, mergeEvals, type Policy, stepsAhead } from '../src/closed_loop.js';
import { aStar, expertMove } from '../src/sim/astar.js';
import { costToGo } from '../src/sim/cost_to_go.js';
import { generateDemonstrations } from '../src/sim/dataset.js';
import { type Grid, moveTarget, octile } from '../src/sim/grid.js';
import { generateEpisodes } from '../src/sim/maps.js';
import { observationSize } from '../src/sim/observe.js';
import { DEFAULT_MAP_PARAMS as P } from '../src/sim/params.js';

const sha = (d: { x: Float32Array; y: Uint8Array }) =>
  createHash('sha256').update(new Uint8Array(d.x.buffer)).update(d.y).digest('hex');

/** A map drawn as text: '#' obstacle, '.' free. */
function grid(rows: string[]): Grid {
  return { size: rows.length, occ: Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0)) };
}

describe('navigation map generator and A* expert', () => {
  it('same seed → identical demonstration bytes; another seed → different', () => {
    const o = { episodes: 40, seed: 5, radius: 4, offPath: 0.5 };
    const a = generateDemonstrations(P, o);
    const b = generateDemonstrations(P, o);
    const c = generateDemonstrations(P, { ...o, seed: 6 });
    expect(a.x.length).toBe(a.count * observationSize(4));
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
    expect(a.x.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it('every episode has a free start and goal, far enough apart, joined by a legal optimal path', () => {
    for (const e of generateEpisodes(P, createRng(3), 60)) {
      expect(e.grid.occ[e.start]).toBe(0);
      expect(e.grid.occ[e.goal]).toBe(0);
      expect(octile(P.size, e.start, e.goal)).toBeGreaterThanOrEqual(P.minDistance);
      let cell = e.start;
      for (const k of e.path.moves) cell = moveTarget(e.grid, cell, k);
      expect(cell).toBe(e.goal);
      // A* is optimal: its length equals the exact cost-to-go from the start.
      expect(e.path.cost).toBeCloseTo(costToGo(e.grid, e.goal)[e.start], 9);
      expect(e.path.cost).toBeGreaterThanOrEqual(octile(P.size, e.start, e.goal) - 1e-9);
    }
  });

  it('moves: off the map, into an obstacle or across a corner are collisions', () => {
    const g = grid(['...', '.#.', '...']);
    expect(moveTarget(g, 0, 4)).toBe(-1); // west off the map
    expect(moveTarget(g, 1, 6)).toBe(-1); // south into the block
    expect(moveTarget(g, 0, 7)).toBe(-1); // SE onto the block
    expect(moveTarget(g, 1, 7)).toBe(-1); // SE would cut the block's corner
    expect(moveTarget(g, 0, 0)).toBe(1);
  });

  it('A* goes round a wall through its gap, with deterministic ties', () => {
    const g = grid(['.....', '.....', '####.', '.....', '.....']);
    const p = aStar(g, 0, 20);
    expect(p).toBeDefined();
    expect(p!.cells).toContain(14); // the gap at (4, 2)
    expect(aStar(g, 0, 20)).toEqual(p);
    // Open floor, goal due east: the straight move wins every tie.
    expect(expertMove(grid(['.....', '.....', '.....', '.....', '.....']), 10, 14)).toBe(0);
    // Sealed off: no path.
    expect(aStar(grid(['..#..', '..#..', '..#..', '..#..', '..#..']), 0, 4)).toBeUndefined();
  });

  it('the expert in the driver seat reaches every goal along the A* length', () => {
    const eps = generateEpisodes(P, createRng(8), 50);
    const ev = closedLoop(expertPolicy, eps, { radius: 4, stepLimit: 3 });
    expect(ev.successRate).toBe(1);
    expect(ev.collisionRate).toBe(0);
    expect(ev.lengthRatio).toBeCloseTo(1, 9);
    expect(ev.agreement).toBe(1);
  });
  it('mergeEvals of consecutive batches gives the figures of one rollout over all their maps', () => {
    const eps = generateEpisodes(P, createRng(21), 60);
    // The expert, except a fixed wrong heading on every third step of every third map: collisions, timeouts and detours.
    let step = 0;
    const shaky: Policy = (x, rows, cells, e) => {
      const a = Array.from(expertPolicy(x, rows, cells, e));
      step++;
      return a.map((k, i) => (i % 3 === 0 && step % 3 === 0 ? (k + 1) % 8 : k));
    };
    const o = { radius: 4, stepLimit: 2 };
    const parts = [eps.slice(0, 20), eps.slice(20)].map((b) => {
      step = 0;
      return closedLoop(shaky, b, o);
    });
    const merged = mergeEvals(parts);
    expect(merged.episodes).toBe(60);
    expect(merged.outcomes).toEqual(parts.flatMap((p) => p.outcomes));
    expect(Array.from(merged.reached)).toEqual([...parts[0].reached, ...parts[1].reached]);
    expect(merged.collisionRate).toBeGreaterThan(0);
    for (const k of ['successRate', 'collisionRate', 'timeoutRate', 'revisitsPerEpisode'] as const) {
      expect(merged[k]).toBeCloseTo((parts[0][k] * 20 + parts[1][k] * 40) / 60, 12);
    }
    expect(merged.agreement).toBeCloseTo(
      (parts[0].agreement * parts[0].moves + parts[1].agreement * parts[1].moves) /
        (parts[0].moves + parts[1].moves),
      12,
    );
  });

  it('a near miss is a move after which no legal step lies ahead on the heading, counted once per encounter', () => {
    // Row 2: the agent starts at x = 0 heading east; the obstacle is at x = 3.
    const g = grid(['.....', '.....', '...#.', '.....', '.....']);
    const start = 2 * 5;
    expect(stepsAhead(g, start, 0, 5)).toBe(2);
    expect(stepsAhead(g, start + 2, 0, 5)).toBe(0);
    const path = aStar(g, start, 4);
    if (!path) throw new Error('no path');
    const east: Policy = (_x, rows) => new Int32Array(rows);
    const res = closedLoop(east, [{ grid: g, start, goal: 4, path }], {
      radius: 2,
      stepLimit: 3,
      agreement: false,
    });
    // x = 1: one step ahead (no near miss); x = 2: none ahead (near miss); then into the obstacle.
    expect(res.outcomes[0].events).toEqual({ collision: 1, timeout: 0, near_miss: 1 });
    expect(
      closedLoop(east, [{ grid: g, start, goal: 4, path }], {
        radius: 2,
        stepLimit: 3,
        agreement: false,
        nearMissSteps: 3,
      }).outcomes[0].events.near_miss,
    ).toBe(1);
  });
});
