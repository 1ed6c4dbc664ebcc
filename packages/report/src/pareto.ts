/** Pareto front of points where lower cost and higher value are better. */
export interface ParetoPoint {
  readonly cost: number;
  readonly value: number;
}

/** Indices of the points no other point beats on both cost (≤) and value (≥, one strictly). */
export function paretoFront(points: readonly ParetoPoint[]): number[] {
  const front: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const dominated = points.some(
      (q, j) => j !== i && q.cost <= p.cost && q.value >= p.value && (q.cost < p.cost || q.value > p.value),
    );
    if (!dominated) front.push(i);
  }
  return front.sort((a, b) => points[a].cost - points[b].cost);
}
