import type { DependencyGroup } from '@prunekit/core';

/** Kept channels per prunable group (group id → kept count). */
export type Widths = ReadonlyMap<string, number>;

/** A dependency group with its channel scores, as widthSearch takes it. */
export interface ScoredWidthGroup {
  readonly group: DependencyGroup;
  /** Channel scores, higher = more important. */
  readonly scores: Float32Array;
}

/** One step of widthSearch: the widths reached, their cost, the score lost so far and the group narrowed. */
export interface WidthStep {
  readonly widths: Widths;
  /** The cost (predicted ms, or MACs) of these widths. */
  readonly cost: number;
  /** Σ scores of every removed channel so far. */
  readonly lost: number;
  /** The group narrowed by this step (absent for the start). */
  readonly group?: string;
}

/**
 * Options of widthSearch: the width grid, the most a group may lose, the lookahead and the cost to stop
 * at.
 */
export interface WidthSearchOptions {
  /** Candidate widths per group: this many evenly spaced counts from the group size down. Default 16. */
  readonly gridSteps?: number;
  /** The most of a group's channels that may go, in (0, 1). Default 0.9 (at least one always stays). */
  readonly maxPerGroup?: number;
  /** How many grid points below the current width to look for the next stair down. Default: all. */
  readonly lookahead?: number;
  /** Stop once the cost is at or below this. Default: walk to the narrowest widths. */
  readonly target?: number;
}

/** Channel indices of a group sorted by ascending score (ties: lower index first). */
export function ascendingChannels(scores: Float32Array): number[] {
  return [...scores.keys()].sort((a, b) => scores[a] - scores[b] || a - b);
}

function grid(size: number, steps: number, maxPerGroup: number): number[] {
  const floor = Math.max(1, Math.ceil(size * (1 - maxPerGroup) - 1e-9));
  const out = new Set<number>();
  for (let k = steps; k >= 0; k--) out.add(Math.max(floor, Math.round((size * k) / steps)));
  return [...out].sort((a, b) => b - a);
}

/** Σ scores of a group's channels removed to keep `keep` of them (its lowest-scored first), per group index. */
function lossOf(groups: readonly ScoredWidthGroup[]): (i: number, keep: number) => number {
  const prefix = groups.map((g) => {
    const order = ascendingChannels(g.scores);
    const p = new Float64Array(order.length + 1);
    order.forEach((c, i) => {
      p[i + 1] = p[i] + Math.max(0, g.scores[c]);
    });
    return p;
  });
  return (i, keep) => prefix[i][groups[i].group.size - keep];
}

/**
 * Greedy over widths: from full width, each step narrows the one group that loses the least
 * importance per unit of cost saved, moving it down to the next *stair* of the cost (the widest
 * candidate below its width whose cost is lower — widths on a plateau save nothing, so the step
 * skips them). `cost` is a predicted latency (deadline-aware) or MACs (MACs-driven); the walk is
 * the same function of the cost either way. Returns every step, so a caller can pick the first
 * that meets a measured budget.
 */
export async function widthSearch(
  groups: readonly ScoredWidthGroup[],
  cost: (w: Widths) => Promise<number>,
  opts: WidthSearchOptions = {},
): Promise<WidthStep[]> {
  const steps = opts.gridSteps ?? 16;
  const maxPerGroup = opts.maxPerGroup ?? 0.9;
  const lookahead = opts.lookahead ?? Number.POSITIVE_INFINITY;
  const grids = groups.map((g) => grid(g.group.size, steps, maxPerGroup));
  const lostAt = lossOf(groups);
  let cur = new Map(groups.map((g) => [g.group.id, g.group.size]));
  let curCost = await cost(cur);
  let lost = 0;
  const path: WidthStep[] = [{ widths: cur, cost: curCost, lost }];
  while (opts.target === undefined || curCost > opts.target) {
    let best: { i: number; keep: number; cost: number; rate: number } | undefined;
    for (let i = 0; i < groups.length; i++) {
      const id = groups[i].group.id;
      const keep = cur.get(id)!;
      const below = grids[i].filter((w) => w < keep).slice(0, lookahead);
      const eps = Math.max(1e-9, Math.abs(curCost) * 1e-4);
      let prev = keep;
      for (const w0 of below) {
        const c = await cost(new Map(cur).set(id, w0));
        if (curCost - c <= eps) {
          prev = w0; // still on the plateau
          continue;
        }
        // Snap up to the widest width of this stair between the grid points (same cost, more kept).
        let w = w0;
        while (w + 1 < prev && (await cost(new Map(cur).set(id, w + 1))) <= c + eps) w++;
        const rate = (lostAt(i, w) - lostAt(i, keep)) / (curCost - c);
        if (!best || rate < best.rate) best = { i, keep: w, cost: c, rate };
        break;
      }
    }
    if (!best) break; // every group at its narrowest, or nothing lowers the cost further
    const id = groups[best.i].group.id;
    lost += lostAt(best.i, best.keep) - lostAt(best.i, cur.get(id)!);
    cur = new Map(cur).set(id, best.keep);
    curCost = best.cost;
    path.push({ widths: cur, cost: curCost, lost, group: id });
  }
  return path;
}

/** The channels to remove from each group for the given widths (its lowest-scored ones). */
export function removalFor(groups: readonly ScoredWidthGroup[], widths: Widths): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const g of groups) {
    const keep = widths.get(g.group.id) ?? g.group.size;
    if (keep >= g.group.size) continue;
    out.set(
      g.group.id,
      ascendingChannels(g.scores)
        .slice(0, g.group.size - keep)
        .sort((a, b) => a - b),
    );
  }
  return out;
}

/** A stable key for a width assignment (for caches). */
export function widthsKey(w: Widths): string {
  return [...w.entries()].map(([k, v]) => `${k}=${v}`).join(';');
}

/** Options of refineWidths: the width grid and the most a group may lose (as widthSearch), and a move cap. */
export interface RefineOptions {
  readonly gridSteps?: number;
  readonly maxPerGroup?: number;
  /** The most moves made. Default 4 × the number of groups. */
  readonly maxMoves?: number;
}

/**
 * Improves a width assignment that meets `target` by local moves that keep it within target and
 * lose strictly less score: one group widened to its next grid width (when the walk's last stair
 * overshot, the slack buys channels back), or one group widened and another narrowed by a grid step
 * (an exchange the greedy walk, which only ever narrows, cannot make). Each move is the best of all
 * such moves at the time; it stops when none helps. The greedy walk is a good knapsack heuristic
 * but myopic: a run of small steps taken before one large one may turn out unneeded.
 */
export async function refineWidths(
  groups: readonly ScoredWidthGroup[],
  cost: (w: Widths) => Promise<number>,
  start: Widths,
  target: number,
  opts: RefineOptions = {},
): Promise<WidthStep> {
  const steps = opts.gridSteps ?? 16;
  const maxPerGroup = opts.maxPerGroup ?? 0.9;
  const grids = groups.map((g) => grid(g.group.size, steps, maxPerGroup));
  const lostAt = lossOf(groups);
  const ids = groups.map((g) => g.group.id);
  let cur = new Map(start);
  const kept = (i: number) => cur.get(ids[i]) ?? groups[i].group.size;
  let lost = groups.reduce((a, _, i) => a + lostAt(i, kept(i)), 0);
  let curCost = await cost(cur);
  const up = (i: number) => grids[i].filter((w) => w > kept(i)).at(-1);
  const down = (i: number) => grids[i].find((w) => w < kept(i));
  for (let move = 0; move < (opts.maxMoves ?? 4 * groups.length); move++) {
    let best: { w: Map<string, number>; cost: number; lost: number } | undefined;
    for (let i = 0; i < groups.length; i++) {
      const ui = up(i);
      if (ui === undefined) continue;
      const gain = lostAt(i, kept(i)) - lostAt(i, ui);
      const options: [number | undefined, number][] = [[undefined, 0]];
      for (let j = 0; j < groups.length; j++) {
        const dj = j === i ? undefined : down(j);
        if (dj !== undefined) options.push([j, lostAt(j, dj) - lostAt(j, kept(j))]);
      }
      for (const [j, pay] of options) {
        const l = lost - gain + pay;
        if (l >= lost - 1e-12 || (best && l >= best.lost)) continue;
        const w = new Map(cur).set(ids[i], ui);
        if (j !== undefined) w.set(ids[j], down(j)!);
        const c = await cost(w);
        if (c <= target) best = { w, cost: c, lost: l };
      }
    }
    if (!best) break;
    cur = best.w;
    curCost = best.cost;
    lost = best.lost;
  }
  return { widths: cur, cost: curCost, lost };
}
