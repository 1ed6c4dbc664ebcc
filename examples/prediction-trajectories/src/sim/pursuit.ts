/**
 * Pure pursuit (Coulter 1992): steer the rear axle along a circle through the look-ahead point
 * G on the path, Ld ahead: δ = atan(2 L sin α / Ld), α = the angle of G seen from the vehicle,
 * relative to its heading.
 */
import type { VehicleState } from './bicycle.js';
import { type Path, STEP } from './road.js';

export function pursuitSteer(
  s: VehicleState,
  path: Path,
  nearest: number,
  ld: number,
  wheelbase: number,
): number {
  const i = Math.min(path.xs.length - 1, nearest + Math.max(1, Math.round(ld / STEP)));
  const dx = path.xs[i] - s.x;
  const dy = path.ys[i] - s.y;
  const alpha = Math.atan2(dy, dx) - s.heading;
  const dist = Math.max(Math.hypot(dx, dy), 1e-3);
  return Math.atan2(2 * wheelbase * Math.sin(alpha), dist);
}
