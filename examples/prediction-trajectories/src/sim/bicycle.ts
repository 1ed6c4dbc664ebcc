/**
 * The kinematic bicycle model (reference point: the rear axle):
 *   ẋ = v cos θ,  ẏ = v sin θ,  θ̇ = (v / L) tan δ,  v̇ = a
 * One step of length dt with the speed averaged over the step and the heading taken at mid-step
 * (second order in dt for a constant δ and a); the speed never goes below zero.
 */

export interface VehicleState {
  x: number;
  y: number;
  /** Heading θ, rad (0 = +x). */
  heading: number;
  /** Speed v ≥ 0, m/s. */
  speed: number;
}

export function bicycleStep(
  s: VehicleState,
  steer: number,
  accel: number,
  wheelbase: number,
  dt: number,
): void {
  const v1 = Math.max(0, s.speed + accel * dt);
  const vMean = 0.5 * (s.speed + v1);
  const dTheta = ((vMean * Math.tan(steer)) / wheelbase) * dt;
  const mid = s.heading + 0.5 * dTheta;
  s.x += vMean * Math.cos(mid) * dt;
  s.y += vMean * Math.sin(mid) * dt;
  s.heading += dTheta;
  s.speed = v1;
}
