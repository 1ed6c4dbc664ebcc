/**
 * The occupancy grid and the eight moves. Cells are row-major (index = y·size + x, y grows down).
 * A move is legal when the target cell is on the map and free; a diagonal move must also not cut a
 * corner: both orthogonal cells it passes between must be free. An illegal move is a collision.
 */
export interface Grid {
  readonly size: number;
  /** 1 = obstacle, 0 = free; length size². */
  readonly occ: Uint8Array;
}

/** Headings 0..7: E, NE, N, NW, W, SW, S, SE (counter-clockwise from east; y grows down). */
export const DX = [1, 1, 0, -1, -1, -1, 0, 1] as const;
export const DY = [0, -1, -1, -1, 0, 1, 1, 1] as const;
export const HEADINGS = ['E', 'NE', 'N', 'NW', 'W', 'SW', 'S', 'SE'] as const;
export const MOVES = 8;
/** Octile cost of each heading: 1 straight, √2 diagonal. */
export const STEP_COST = DX.map((dx, k) => (dx !== 0 && DY[k] !== 0 ? Math.SQRT2 : 1));

export function isFree(g: Grid, x: number, y: number): boolean {
  return x >= 0 && y >= 0 && x < g.size && y < g.size && g.occ[y * g.size + x] === 0;
}

/** The cell reached from `cell` by heading `k`, or -1 when the move is a collision. */
export function moveTarget(g: Grid, cell: number, k: number): number {
  const x = cell % g.size;
  const y = (cell - x) / g.size;
  const nx = x + DX[k];
  const ny = y + DY[k];
  if (!isFree(g, nx, ny)) return -1;
  if (DX[k] !== 0 && DY[k] !== 0 && (!isFree(g, nx, y) || !isFree(g, x, ny))) return -1;
  return ny * g.size + nx;
}

/** Octile distance between two cells, ignoring obstacles (A*'s heuristic). */
export function octile(size: number, a: number, b: number): number {
  const dx = Math.abs((a % size) - (b % size));
  const dy = Math.abs(Math.floor(a / size) - Math.floor(b / size));
  return Math.max(dx, dy) + (Math.SQRT2 - 1) * Math.min(dx, dy);
}
