/** Parameters of the highway simulator, the IDM car-following model and the MOBIL lane-change rule. */

export interface IdmParams {
  /** Safe time headway T (s). */
  readonly T: number;
  /** Minimum bumper-to-bumper gap s0 (m). */
  readonly s0: number;
  /** Maximum acceleration a (m/s²). */
  readonly a: number;
  /** Comfortable deceleration b (m/s²). */
  readonly b: number;
  /** Acceleration exponent δ. */
  readonly delta: number;
}

export interface MobilParams {
  /** Politeness p: weight of the neighbours' acceleration changes. */
  readonly politeness: number;
  /** Switching threshold Δa_th (m/s²). */
  readonly threshold: number;
  /** Safety limit: the new follower may not have to brake harder than this (m/s²). */
  readonly bSafe: number;
}

/** How the discrete actions move a vehicle, and how the expert maps IDM/MOBIL onto them. */
export interface ActionParams {
  /** Acceleration of 'accelerate' (m/s²). */
  readonly accel: number;
  /** Deceleration of 'brake' (m/s², positive). */
  readonly brake: number;
  /** The expert brakes when IDM asks for less than −brakeBelow (m/s²). */
  readonly brakeBelow: number;
  /** The expert accelerates when IDM asks for more than this (m/s²). */
  readonly accelAbove: number;
  /** Steps after a lane change before the next one is allowed. */
  readonly cooldown: number;
}

export interface RoadParams {
  readonly lanes: number;
  /** Length of the ring road (m); positions wrap around. */
  readonly length: number;
  /** Vehicle length (m). */
  readonly carLength: number;
  /** Time step (s). */
  readonly dt: number;
  /** Vehicles per world, drawn uniformly in [min, max]. */
  readonly cars: readonly [number, number];
  /** Desired speeds v0, drawn uniformly in [min, max] (m/s). */
  readonly v0: readonly [number, number];
}

export interface SimParams {
  readonly road: RoadParams;
  readonly idm: IdmParams;
  readonly mobil: MobilParams;
  readonly action: ActionParams;
}

export const DEFAULT_PARAMS: SimParams = {
  road: { lanes: 3, length: 1000, carLength: 5, dt: 0.5, cars: [20, 60], v0: [18, 38] },
  idm: { T: 1.5, s0: 2, a: 1.5, b: 2, delta: 4 },
  mobil: { politeness: 0.3, threshold: 0.1, bSafe: 4 },
  action: { accel: 1, brake: 3, brakeBelow: 0.5, accelAbove: 0.3, cooldown: 4 },
};

/** The five discrete actions, in the order of the policy's outputs. */
export const ACTIONS = ['keep', 'left', 'right', 'brake', 'accelerate'] as const;
export type Action = (typeof ACTIONS)[number];
export const KEEP = 0;
export const LEFT = 1;
export const RIGHT = 2;
export const BRAKE = 3;
export const ACCELERATE = 4;
