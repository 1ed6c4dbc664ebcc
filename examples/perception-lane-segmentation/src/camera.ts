/**
 * Pinhole camera over a flat road. The camera looks along +Z (forward) from `heightM` metres above
 * the ground with its optical axis level; `horizon` is the image row of the vanishing line (pitch
 * moves it). A ground point at forward distance Z and lateral offset X (metres, right positive)
 * lands on row v = horizon + f·h / Z and column u = cx + f·X / Z, so each image row below the
 * horizon sees the ground at one distance.
 */
export interface Camera {
  /** Focal length in pixels. */
  readonly f: number;
  /** Principal point column (pixels). */
  readonly cx: number;
  /** Horizon row (pixels, from the top). */
  readonly horizon: number;
  /** Camera height above the road, metres. */
  readonly heightM: number;
}

/** Forward distance (m) of the ground seen at image row `v` (pixel coordinates); Infinity at or above the horizon. */
export function groundDistance(cam: Camera, v: number): number {
  const dv = v - cam.horizon;
  return dv > 0 ? (cam.f * cam.heightM) / dv : Number.POSITIVE_INFINITY;
}

/** Lateral offset (m) of the ground point seen at column `u` at forward distance `z`. */
export function groundLateral(cam: Camera, u: number, z: number): number {
  return ((u - cam.cx) * z) / cam.f;
}

/** Image row of ground at forward distance `z`. */
export function rowOf(cam: Camera, z: number): number {
  return cam.horizon + (cam.f * cam.heightM) / z;
}

/** Image column of the point at lateral `x`, forward distance `z`. */
export function columnOf(cam: Camera, x: number, z: number): number {
  return cam.cx + (cam.f * x) / z;
}
