/** The map generator's settings (documented in the README); one object so tests can vary them. */
export interface MapParams {
  /** Cells per side. */
  readonly size: number;
  /** Straight walls across the whole map: a count drawn uniformly from [min, max]. */
  readonly walls: readonly [number, number];
  /** Gaps per wall and the width range of each gap (cells). */
  readonly gapsPerWall: number;
  readonly gapWidth: readonly [number, number];
  /** Solid rectangles: count range and side-length range (cells). */
  readonly rects: readonly [number, number];
  readonly rectSide: readonly [number, number];
  /** Probability that any cell holds a scattered single block. */
  readonly blockDensity: number;
  /** Smallest octile distance between start and goal. */
  readonly minDistance: number;
}

export const DEFAULT_MAP_PARAMS: MapParams = {
  size: 16,
  walls: [0, 2],
  gapsPerWall: 2,
  gapWidth: [1, 2],
  rects: [1, 3],
  rectSide: [2, 4],
  blockDensity: 0.06,
  minDistance: 6,
};
