import type * as tf from '@tensorflow/tfjs-core';
import type { ModelGraph, ParamInfo } from './graph.js';
import type { CalibrationStats, HessianProbes, ScorerNeed, StatsCache } from './calibration.js';
import type { DependencyGroup } from './groups.js';
import type { MaskSet } from './mask.js';
import type { Rng } from './rng.js';

/** A batch of calibration / training data. */
export interface Batch {
  readonly x: tf.Tensor | tf.Tensor[];
  readonly y?: tf.Tensor | tf.Tensor[];
}

/** Calibration data: any (async) iterable of batches. */
export type DataSource = AsyncIterable<Batch> | Iterable<Batch>;

/** What a scorer scores: one parameter (per-weight scores) or one dependency group (per channel). */
export type ScoreTarget =
  | { readonly kind: 'weight'; readonly param: ParamInfo }
  | { readonly kind: 'group'; readonly group: DependencyGroup };

/** Per-weight scores (same element order as the parameter) or per-channel scores of a group. */
export type Scores =
  | {
      readonly kind: 'weight';
      readonly param: string;
      readonly shape: readonly number[];
      readonly values: Float32Array;
    }
  | { readonly kind: 'group'; readonly group: string; readonly values: Float32Array };

/**
 * Everything a scorer may read. Statistics a scorer declares in `needs` come from `stats` when it
 * holds them (per field), else they are computed from `data` once per `statsCache`.
 */
export interface ScoreContext {
  readonly graph: ModelGraph;
  readonly rng: Rng;
  readonly data?: DataSource;
  /** Precomputed calibration statistics for THIS graph (e.g. from calibrate()). */
  readonly stats?: CalibrationStats;
  /** Where computed statistics are kept; the pruner scoring the graph owns it. */
  readonly statsCache?: StatsCache;
  /** Masks already in force; scorers may give pruned weights the lowest score. */
  readonly masks?: MaskSet;
}

/**
 * Ranks a target's weights or channels by importance (higher is kept), from weights, data or calibration
 * statistics.
 */
export interface Scorer {
  readonly name: string;
  /** What it reads: 'weights', 'data' (runs the model) and the calibration statistics fields. */
  readonly needs: readonly ScorerNeed[];
  /** How 'hessianDiagonal' is estimated, when the scorer needs it. */
  readonly hessian?: HessianProbes;
  score(target: ScoreTarget, ctx: ScoreContext): Promise<Scores>;
}

interface PlanBase {
  readonly step: number;
  /** Target sparsity of this step (fraction of prunable weights / channels removed). */
  readonly sparsity: number;
}

/** Weight-level pruning at one step: keep-masks by parameter id. */
export interface MaskPlan extends PlanBase {
  readonly kind: 'masks';
  readonly masks: MaskSet;
}

/** Structured pruning at one step: group id → channel indices to remove. */
export interface ChannelPlan extends PlanBase {
  readonly kind: 'channels';
  readonly channels: ReadonlyMap<string, readonly number[]>;
}

/** What to prune at one step. */
export type PrunePlan = MaskPlan | ChannelPlan;

/**
 * The result of a pruner that works IN PLACE: apply() has written the masks into the weights of
 * the model behind its graph (pruned weights are exact zeros).
 */
export interface InPlacePruneResult {
  readonly kind: 'masks';
  readonly plan: MaskPlan;
  /** Masks in force after the step. */
  readonly masks: MaskSet;
  /** Achieved sparsity over the prunable parameters. */
  readonly sparsity: number;
}

/**
 * The result of a pruner that returns a NEW model: the input model is never mutated, and the
 * caller owns `model` (dispose it when done).
 */
export interface NewModelPruneResult<M = unknown> {
  readonly kind: 'channels';
  readonly plan: ChannelPlan;
  readonly model: M;
  /** Achieved sparsity over the prunable channels. */
  readonly sparsity: number;
}

/** What a pruner returns: masks applied in place, or a new model with channels removed. */
export type PruneResult = InPlacePruneResult | NewModelPruneResult;

/** The result type that goes with a plan type. */
export type PruneResultOf<P extends PrunePlan, M = unknown> = P extends MaskPlan
  ? InPlacePruneResult
  : NewModelPruneResult<M>;

/** How apply() treats the model: writes into it ('in-place') or builds another ('new-model'). */
export type Ownership<P extends PrunePlan> = P extends MaskPlan ? 'in-place' : 'new-model';

/** Plans a step, then applies it; generic over the plan kind, with the ownership in the type. */
export interface Pruner<P extends PrunePlan = PrunePlan, R extends PruneResult = PruneResultOf<P>> {
  readonly ownership: Ownership<P>;
  plan(step?: number): Promise<P>;
  apply(plan: P): Promise<R>;
}

/** A weight-level pruner: apply() masks the weights of the graph's model in place. */
export type InPlacePruner = Pruner<MaskPlan, InPlacePruneResult>;

/** A structured pruner: apply() returns a new model and never touches the input. */
export type NewModelPruner<M = unknown> = Pruner<ChannelPlan, NewModelPruneResult<M>>;

/** A pruning schedule: whether to prune at a step, and to what sparsity. Serialisable. */
export interface Schedule {
  at(step: number): { prune: boolean; sparsity: number };
  toJSON(): Record<string, unknown>;
}

/** A penalty added to the training loss: loss + λ·penalty(θ). */
export interface Regularizer {
  readonly name: string;
  readonly lambda: number;
  /** Steps over which λ ramps up linearly from 0. */
  readonly warmupSteps?: number;
  /** The (un-scaled) penalty as a scalar; called inside the optimizer's gradient tape. */
  penalty(vars: ReadonlyMap<string, tf.Variable>, step: number): tf.Scalar;
}

/** A tfjs backend plus the prunekit kernels registered for it. */
export interface BackendAdapter {
  readonly name: string;
  /** The tfjs backend name this adapter activates ('wasm', 'webgl', 'webgpu', 'cpu'). */
  readonly tfBackend: string;
  isSupported(): Promise<boolean>;
  init(): Promise<void>;
  readonly kernels: readonly tf.KernelConfig[];
}
