/**
 * What the policy sees: a (2R+1)×(2R+1) window centred on the agent (egocentric, so the agent is
 * always the centre cell), three channels per cell (NHWC order):
 *   0 obstacle — 1 for an obstacle or a cell off the map;
 *   1 goal     — 1 on the goal cell when it is inside the window;
 *   2 hint     — the global planner's cost-to-go relative to the agent's cell, divided by R and
 *                clipped to [−1, 1]; obstacles, off-map and unreachable cells read 1.
 * The hint is the costmap a global planner hands a local controller; the policy must turn it into
 * a legal heading (no collisions, no corner cutting) that matches the A* expert's choice.
 */
import { type Grid, isFree } from './grid.js';

export const CHANNELS = 3;

export function windowSide(radius: number): number {
  return 2 * radius + 1;
}

export function observationSize(radius: number): number {
  const w = windowSide(radius);
  return w * w * CHANNELS;
}

/** Writes the observation of `agent` into `out` at `offset`. */
export function observe(
  g: Grid,
  cost: Float64Array,
  agent: number,
  goal: number,
  radius: number,
  out: Float32Array,
  offset: number,
): void {
  const ax = agent % g.size;
  const ay = (agent - ax) / g.size;
  const here = cost[agent];
  let i = offset;
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const x = ax + dx;
      const y = ay + dy;
      const free = isFree(g, x, y);
      const c = y * g.size + x;
      out[i] = free ? 0 : 1;
      out[i + 1] = free && c === goal ? 1 : 0;
      const d = free ? cost[c] - here : Number.POSITIVE_INFINITY;
      out[i + 2] = Number.isFinite(d) ? Math.max(-1, Math.min(1, d / radius)) : 1;
      i += CHANNELS;
    }
  }
}
