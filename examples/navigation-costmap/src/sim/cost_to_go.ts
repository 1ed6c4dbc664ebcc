/**
 * The global planner's costmap: exact octile cost-to-go from every cell to the goal (Dijkstra from
 * the goal over legal moves; moves are symmetric, so the reverse search is exact). Unreachable
 * cells and obstacles get Infinity. This is what the policy's hint channel shows.
 */
import { type Grid, MOVES, moveTarget, STEP_COST } from './grid.js';
import { MinHeap } from './heap.js';

export function costToGo(g: Grid, goal: number): Float64Array {
  const n = g.size * g.size;
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  dist[goal] = 0;
  const heap = new MinHeap();
  heap.push(goal, 0, 0, 0);
  while (heap.size > 0) {
    const { cell, f } = heap.pop();
    if (f > dist[cell]) continue;
    for (let k = 0; k < MOVES; k++) {
      const t = moveTarget(g, cell, k);
      if (t < 0) continue;
      const d = f + STEP_COST[k];
      if (d < dist[t] - 1e-9) {
        dist[t] = d;
        heap.push(t, d, 0, 0);
      }
    }
  }
  return dist;
}
