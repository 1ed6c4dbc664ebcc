/**
 * What the closed-loop guard needs from a simulator: drive a policy on numbered, seeded scenarios
 * (same index → same scenario, whichever policy drives) and count safety events. The simulator is
 * a value the caller passes in (the example's highway or grid world), never global state.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/** What one scenario (a world, a map, an episode) yielded for the policy that drove it. */
export interface ScenarioOutcome {
  /** Exposure: distance driven (e.g. km) or 1 for an episode. Must be > 0. */
  readonly exposure: number;
  /** Count of each event the simulator names in `events` (missing = 0). */
  readonly events: Readonly<Record<string, number>>;
}

/** Observations where the policy and its shadow chose differently (row-major, `shape` per row). */
export interface DivergentStates {
  readonly x: Float32Array;
  readonly rows: number;
  /** Shape of one row, e.g. [24] or [9, 9, 3]. */
  readonly shape: readonly number[];
  /** The simulator's expert action in each row, when it has an expert (DAgger labels). */
  readonly labels?: Int32Array;
}

/** Options of ClosedLoopSimulator.drive: a shadow model whose divergent observations are kept. */
export interface DriveOptions {
  /**
   * Also run this model on every observation the policy acts on (it does not drive) and keep the
   * observations where the two pick different actions: the states DAgger-style recovery trains on.
   */
  readonly shadow?: tfl.LayersModel;
  /** Keep at most this many divergent rows (default 20,000). */
  readonly maxDivergent?: number;
}

/** What a drive returns: an outcome per scenario and, with a shadow, the divergent states. */
export interface DriveResult {
  /** One outcome per scenario, in order. */
  readonly outcomes: readonly ScenarioOutcome[];
  /** Present when `shadow` was given. */
  readonly divergent?: DivergentStates;
}

/**
 * A simulator that drives a policy model through numbered scenarios and counts events (e.g. collisions)
 * per unit of exposure.
 */
export interface ClosedLoopSimulator {
  /** Shown in logs and messages, e.g. 'highway'. */
  readonly name: string;
  /** Unit of exposure, e.g. 'km' or 'episode'. */
  readonly unit: string;
  /** Event names the outcomes count, e.g. ['collision', 'near_miss']. */
  readonly events: readonly string[];
  /**
   * Drives `policy` in scenarios first … first + count − 1, batching the policy over all of them
   * (one forward pass per simulation step). Must not dispose the model.
   */
  drive(
    policy: tfl.LayersModel,
    first: number,
    count: number,
    opts?: DriveOptions,
  ): DriveResult | Promise<DriveResult>;
}
