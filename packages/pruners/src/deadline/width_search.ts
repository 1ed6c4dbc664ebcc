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
  const prefix = groups.map((g) => {
    const order = ascendingChannels(g.scores);
    const p = new Float64Array(order.length + 1);
    order.forEach((c, i) => {
      p[i + 1] = p[i] + Math.max(0, g.scores[c]);
    });
    return p;
  });
  const lostAt = (i: number, keep: number) => prefix[i][groups[i].group.size - keep];
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
