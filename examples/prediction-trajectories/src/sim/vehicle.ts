/** A simulated vehicle: physical state, the route it follows, and its behaviour state. */
import type { VehicleState } from './bicycle.js';
import type { Path } from './road.js';

export interface Vehicle {
  readonly state: VehicleState;
  /** Desired speed v0, m/s. */
  readonly v0: number;
  /** Main-road lane (the lane it is in or changing into; meaningless once turned off). */
  lane: number;
  path: Path;
  /** Index of the nearest path point (searched forward each step). */
  nearest: number;
  /** Largest junction x whose turn decision has been taken. */
  decidedJunction: number;
  /** Seconds left of a braking event (0 = none) and its deceleration. */
  brakeLeft: number;
  brakeDecel: number;
  /** Seconds until the next lane change may start. */
  laneCooldown: number;
}

/** On the main road: not yet on (or past) the arc of a turn. */
export const onMainRoad = (v: Vehicle): boolean => v.path.turn === 0 || v.nearest < v.path.turnStart;
