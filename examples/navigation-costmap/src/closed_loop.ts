/**
 * Closed-loop evaluation: the policy drives from start towards goal on each held-out map, all
 * episodes batched into one forward pass per step. An episode ends at the goal (success), on a
 * collision (a move into an obstacle, off the map or cutting a corner) or at the step limit
 * (`stepLimit` × the A* path's step count). Revisits are allowed and counted. A near miss: after a
 * move, fewer than `nearMissSteps` legal steps lie ahead on the same heading (the grid's time to
 * collision in steps), counted once per encounter.
 */
import {
  type ClosedLoopSimulator,
  type DriveOptions,
  type DriveResult,
  OnsetCounter,
  type ScenarioOutcome,
} from '@prunekit/pruners';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expertMove } from './sim/astar.js';
import { costToGo } from './sim/cost_to_go.js';
import { moveTarget, STEP_COST } from './sim/grid.js';
import type { Episode } from './sim/maps.js';
import { observationSize, observe, windowSide } from './sim/observe.js';

export interface RolloutOptions {
  readonly radius: number;
  /** Step limit as a multiple of the A* path's step count. */
  readonly stepLimit: number;
  /** Near miss: fewer legal steps than this ahead on the agent's heading after a move (default 1). */
  readonly nearMissSteps?: number;
  /** Ask the expert at every step to measure agreement (default true; costs one A* per step). */
  readonly agreement?: boolean;
  /** Called with every observation the policy acts on (row `row` of `x`) and the expert's heading there. */
  readonly record?: (x: Float32Array, row: number, expert: number) => void;
  /** Also run this policy on every observation; `onDivergent` gets the rows where it chose otherwise. */
  readonly shadow?: Policy;
  readonly onDivergent?: (x: Float32Array, row: number, expert: number) => void;
}

export interface ClosedLoopEval {
  readonly episodes: number;
  /** Fraction of episodes that reached the goal. */
  readonly successRate: number;
  /** Fraction that ended in a collision. */
  readonly collisionRate: number;
  /** Fraction that ran out of steps. */
  readonly timeoutRate: number;
  /** Mean over successful episodes of (octile length driven) / (A* length). */
  readonly lengthRatio: number;
  /** Steps onto a cell already visited in the episode, per episode. */
  readonly revisitsPerEpisode: number;
  /** Fraction of steps where the policy's heading was the expert's (NaN when not asked). */
  readonly agreement: number;
  /** Steps the policy took (the agreement's denominator). */
  readonly moves: number;
  /** Per episode: 1 when it reached the goal (for paired comparisons between models). */
  readonly reached: Uint8Array;
  /** Per episode (scenario): exposure 1 and its events, for the closed-loop guard. */
  readonly outcomes: readonly ScenarioOutcome[];
}

/** Headings for a batch of observations (rows × observationSize). */
export type Policy = (
  x: Float32Array,
  rows: number,
  cells: readonly number[],
  eps: readonly Episode[],
) => ArrayLike<number>;

/**
 * Rows per forward pass. Wider passes run slower per row on wasm (the convolutions' im2col
 * buffers outgrow the caches): 10,000 maps in one pass per step rolled out at 268 maps/s, in
 * passes of 1,024 rows at 527 (src/rollout_speed.ts), so a step's observations go through the
 * model in chunks of at most this many.
 */
export const POLICY_CHUNK = 1024;

export function modelPolicy(model: tfl.LayersModel, radius: number, chunk = POLICY_CHUNK): Policy {
  const w = windowSide(radius);
  const size = observationSize(radius);
  return (x, rows) => {
    const heading = new Int32Array(rows);
    for (let at = 0; at < rows; at += chunk) {
      const n = Math.min(chunk, rows - at);
      const part = tf.tidy(
        () =>
          tf
            .argMax(
              model.predict(tf.tensor4d(x.subarray(at * size, (at + n) * size), [n, w, w, 3])) as tf.Tensor,
              1,
            )
            .dataSync() as Int32Array,
      );
      heading.set(part, at);
    }
    return heading;
  };
}

/** The A* expert in the driver's seat (the reference row: success 1, length ratio 1). */
export const expertPolicy: Policy = (_x, rows, cells, eps) =>
  Array.from({ length: rows }, (_, i) => expertMove(eps[i].grid, cells[i], eps[i].goal));

/** Legal moves along heading `k` from `cell` before a collision, counting up to `max`. */
export function stepsAhead(g: Episode['grid'], cell: number, k: number, max: number): number {
  let n = 0;
  for (let at = cell; n < max; n++) {
    at = moveTarget(g, at, k);
    if (at < 0) break;
  }
  return n;
}

export function closedLoop(policy: Policy, episodes: readonly Episode[], o: RolloutOptions): ClosedLoopEval {
  const size = observationSize(o.radius);
  const costs = episodes.map((e) => costToGo(e.grid, e.goal));
  const pos = episodes.map((e) => e.start);
  const length = new Float64Array(episodes.length);
  const steps = new Int32Array(episodes.length);
  const limit = episodes.map((e) => Math.ceil(o.stepLimit * e.path.moves.length));
  const visited = episodes.map((e) => new Set([e.start]));
  const outcome: ('goal' | 'collision' | 'timeout' | undefined)[] = episodes.map(() => undefined);
  const askExpert = (o.agreement ?? true) || o.record !== undefined;
  const ahead = o.nearMissSteps ?? 1;
  const near = new OnsetCounter(episodes.length);
  const nearMisses = new Int32Array(episodes.length);
  let revisits = 0;
  let agree = 0;
  let moves = 0;
  for (;;) {
    const active = episodes.flatMap((_, i) => (outcome[i] === undefined ? [i] : []));
    if (active.length === 0) break;
    const x = new Float32Array(active.length * size);
    active.forEach((i, r) => {
      observe(episodes[i].grid, costs[i], pos[i], episodes[i].goal, o.radius, x, r * size);
    });
    const eps = active.map((i) => episodes[i]);
    const cells = active.map((i) => pos[i]);
    const act = policy(x, active.length, cells, eps);
    const other = o.shadow?.(x, active.length, cells, eps);
    active.forEach((i, r) => {
      const ep = episodes[i];
      const k = act[r];
      if (askExpert) {
        const e = expertMove(ep.grid, pos[i], ep.goal);
        if (k === e) agree++;
        o.record?.(x, r, e);
      }
      if (other && other[r] !== k) o.onDivergent?.(x, r, expertMove(ep.grid, pos[i], ep.goal));
      moves++;
      const t = moveTarget(ep.grid, pos[i], k);
      if (t < 0) {
        outcome[i] = 'collision';
        return;
      }
      length[i] += STEP_COST[k];
      steps[i]++;
      pos[i] = t;
      if (visited[i].has(t)) revisits++;
      visited[i].add(t);
      if (t === ep.goal) outcome[i] = 'goal';
      else if (steps[i] >= limit[i]) outcome[i] = 'timeout';
      else nearMisses[i] += near.step(i, stepsAhead(ep.grid, t, k, ahead) < ahead);
    });
  }
  const n = episodes.length;
  const count = (w: string) => outcome.filter((v) => v === w).length;
  const ratios = episodes.flatMap((e, i) => (outcome[i] === 'goal' ? [length[i] / e.path.cost] : []));
  return {
    episodes: n,
    successRate: count('goal') / n,
    collisionRate: count('collision') / n,
    timeoutRate: count('timeout') / n,
    lengthRatio: ratios.length === 0 ? Number.NaN : ratios.reduce((a, b) => a + b, 0) / ratios.length,
    revisitsPerEpisode: revisits / n,
    agreement: moves === 0 || !askExpert ? Number.NaN : agree / moves,
    moves,
    reached: Uint8Array.from(outcome, (v) => (v === 'goal' ? 1 : 0)),
    outcomes: outcome.map((v, i) => ({
      exposure: 1,
      events: {
        collision: v === 'collision' ? 1 : 0,
        timeout: v === 'timeout' ? 1 : 0,
        near_miss: nearMisses[i],
      },
    })),
  };
}

export const COSTMAP_EVENTS = ['collision', 'timeout', 'near_miss'] as const;

/** The evaluation of consecutive batches of maps as one (the figures of all their episodes). */
export function mergeEvals(parts: readonly ClosedLoopEval[]): ClosedLoopEval {
  const n = parts.reduce((a, p) => a + p.episodes, 0);
  const sum = (f: (p: ClosedLoopEval) => number) => parts.reduce((a, p) => a + f(p), 0);
  const reached = sum((p) => p.successRate * p.episodes);
  const moves = sum((p) => p.moves);
  const agreed = Number.isNaN(parts[0]?.agreement) ? Number.NaN : sum((p) => p.agreement * p.moves);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p.reached, at);
    at += p.episodes;
  }
  return {
    episodes: n,
    successRate: reached / n,
    collisionRate: sum((p) => p.collisionRate * p.episodes) / n,
    timeoutRate: sum((p) => p.timeoutRate * p.episodes) / n,
    lengthRatio: sum((p) => (p.successRate > 0 ? p.lengthRatio * p.successRate * p.episodes : 0)) / reached,
    revisitsPerEpisode: sum((p) => p.revisitsPerEpisode * p.episodes) / n,
    agreement: moves === 0 ? Number.NaN : agreed / moves,
    moves,
    reached: out,
    outcomes: parts.flatMap((p) => p.outcomes),
  };
}

/**
 * A fixed, seeded list of maps as a ClosedLoopSimulator: scenario i is episodes[i], exposure 1 episode.
 * (The reported test drives through the recipe's sequentialTest, which keeps whole evaluations.)
 */
export function costmapSimulator(episodes: readonly Episode[], o: RolloutOptions): ClosedLoopSimulator {
  const size = observationSize(o.radius);
  return {
    name: 'navigation maps',
    unit: 'episode',
    events: COSTMAP_EVENTS,
    drive(model: tfl.LayersModel, first: number, count: number, d: DriveOptions = {}): DriveResult {
      if (first + count > episodes.length) {
        throw new RangeError(
          `costmapSimulator: scenarios ${first}…${first + count - 1} asked, only ${episodes.length} maps were generated.`,
        );
      }
      const max = d.maxDivergent ?? 20000;
      const kept: Float32Array[] = [];
      const labels: number[] = [];
      const res = closedLoop(modelPolicy(model, o.radius), episodes.slice(first, first + count), {
        ...o,
        agreement: false,
        record: undefined,
        ...(d.shadow
          ? {
              shadow: modelPolicy(d.shadow, o.radius),
              onDivergent: (x: Float32Array, row: number, expert: number) => {
                if (kept.length >= max) return;
                kept.push(x.slice(row * size, (row + 1) * size));
                labels.push(expert);
              },
            }
          : {}),
      });
      if (!d.shadow) return { outcomes: res.outcomes };
      const x = new Float32Array(kept.length * size);
      for (const [i, row] of kept.entries()) x.set(row, i * size);
      const w = windowSide(o.radius);
      return {
        outcomes: res.outcomes,
        divergent: { x, rows: kept.length, shape: [w, w, 3], labels: Int32Array.from(labels) },
      };
    },
  };
}
