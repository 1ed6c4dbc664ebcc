/** Every constant of the simulator in one place (README: "The simulator"). */

export interface IdmParams {
  /** Desired time headway, s. */
  readonly T: number;
  /** Standstill gap, m. */
  readonly s0: number;
  /** Maximum acceleration, m/s². */
  readonly a: number;
  /** Comfortable deceleration, m/s². */
  readonly b: number;
  readonly delta: number;
}

export interface RoadParams {
  /** Lanes of the main road, all driven towards +x; lane 0 is the rightmost (lowest y). */
  readonly lanes: number;
  readonly laneWidth: number;
  /** x of each junction with a cross road. */
  readonly junctions: readonly number[];
  /** Radius of the turning arcs, m. */
  readonly turnRadius: number;
  /** Where vehicles are spawned: x in [0, spawnLength). */
  readonly spawnLength: number;
}

export interface SimParams {
  /** Integration step, s (10 Hz). */
  readonly dt: number;
  /** Wheelbase L of the kinematic bicycle, m. */
  readonly wheelbase: number;
  readonly carLength: number;
  readonly maxSteer: number;
  readonly maxAccel: number;
  readonly maxBrake: number;
  readonly road: RoadParams;
  readonly idm: IdmParams;
  /** Desired speeds drawn uniformly from this range, m/s. */
  readonly desiredSpeed: readonly [number, number];
  /** Pure-pursuit look-ahead distance Ld = base + gain · v. */
  readonly lookahead: { readonly base: number; readonly gain: number };
  /** Lateral acceleration allowed in a turn: the turn speed is √(aLat · R). */
  readonly turnLateralAccel: number;
  /** Distance before a junction where a vehicle in an edge lane decides whether to turn, m. */
  readonly turnDecision: number;
  readonly turnProbability: number;
  /** Lane changes started per second of driving (Poisson), when the target lane is free. */
  readonly laneChangeRate: number;
  /** Braking events (a sudden slowdown, e.g. for a pedestrian) per second of driving (Poisson). */
  readonly brakeRate: number;
  /** A braking event's deceleration range, m/s², and duration range, s. */
  readonly brakeDecel: readonly [number, number];
  readonly brakeDuration: readonly [number, number];
  /** Standard deviation of the noise on acceleration (m/s²) and steering (rad) each step. */
  readonly accelNoise: number;
  readonly steerNoise: number;
  /** Vehicles per scene, inclusive range. */
  readonly vehicles: readonly [number, number];
}

export const DEFAULT_PARAMS: SimParams = {
  dt: 0.1,
  wheelbase: 2.7,
  carLength: 4.5,
  maxSteer: 0.6,
  maxAccel: 2.5,
  maxBrake: 7,
  road: { lanes: 3, laneWidth: 3.5, junctions: [150, 300, 450], turnRadius: 12, spawnLength: 360 },
  idm: { T: 1.2, s0: 2.5, a: 1.5, b: 2, delta: 4 },
  desiredSpeed: [9, 17],
  lookahead: { base: 4, gain: 0.5 },
  turnLateralAccel: 2.5,
  turnDecision: 70,
  turnProbability: 0.5,
  laneChangeRate: 0.05,
  brakeRate: 0.03,
  brakeDecel: [2.5, 6],
  brakeDuration: [1, 3],
  accelNoise: 0.15,
  steerNoise: 0.005,
  vehicles: [6, 14],
};
