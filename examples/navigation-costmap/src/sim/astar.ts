/**
 * The expert: A* over the grid's legal moves (8-connected, no corner cutting), octile step costs
 * and the octile heuristic (admissible and consistent, so the path is optimal). Ties are broken
 * deterministically: lowest f, then lowest h, then first pushed; neighbours are pushed in heading
 * order E, NE, N, NW, W, SW, S, SE, and a cell's parent changes only on a strictly shorter g.
 */
import { type Grid, MOVES, moveTarget, octile, STEP_COST } from './grid.js';
import { MinHeap } from './heap.js';

export interface AStarPath {
  /** Cells from start to goal (both included). */
  readonly cells: readonly number[];
  /** Headings taken, one per step (cells.length − 1). */
  readonly moves: readonly number[];
  /** Octile length. */
  readonly cost: number;
  /** Cells expanded. */
  readonly expanded: number;
}

/** The A* path from `start` to `goal`, or undefined when the goal cannot be reached. */
export function aStar(g: Grid, start: number, goal: number): AStarPath | undefined {
  const n = g.size * g.size;
  const gCost = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const parent = new Int32Array(n).fill(-1);
  const via = new Int8Array(n).fill(-1);
  const closed = new Uint8Array(n);
  const heap = new MinHeap();
  let order = 0;
  gCost[start] = 0;
  heap.push(start, octile(g.size, start, goal), octile(g.size, start, goal), order++);
  let expanded = 0;
  while (heap.size > 0) {
    const { cell } = heap.pop();
    if (closed[cell]) continue;
    closed[cell] = 1;
    expanded++;
    if (cell === goal) break;
    for (let k = 0; k < MOVES; k++) {
      const t = moveTarget(g, cell, k);
      if (t < 0 || closed[t]) continue;
      const gt = gCost[cell] + STEP_COST[k];
      if (gt < gCost[t] - 1e-9) {
        gCost[t] = gt;
        parent[t] = cell;
        via[t] = k;
        const h = octile(g.size, t, goal);
        heap.push(t, gt + h, h, order++);
      }
    }
  }
  if (!closed[goal]) return undefined;
  const cells: number[] = [];
  const moves: number[] = [];
  for (let c = goal; c !== start; c = parent[c]) {
    cells.push(c);
    moves.push(via[c]);
  }
  cells.push(start);
  return { cells: cells.reverse(), moves: moves.reverse(), cost: gCost[goal], expanded };
}

/** The expert's heading from `cell`: the first move of its A* path (−1 at the goal or when cut off). */
export function expertMove(g: Grid, cell: number, goal: number): number {
  if (cell === goal) return -1;
  const p = aStar(g, cell, goal);
  return p ? p.moves[0] : -1;
}
