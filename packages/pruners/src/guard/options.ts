import { InvalidArgumentError, NonFiniteError } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Whether a larger value of the safety metric is safer (recall) or less safe (collision rate). */
export type GuardDirection = 'higher' | 'lower';

/**
 * Options of guard(): the safety metric, its largest allowed drop, how it is evaluated and which
 * direction is safer.
 */
export interface GuardOptions {
  /** Name of the safety metric, e.g. 'brake_recall' (used in the log and in errors). */
  readonly metric: string;
  /** The largest allowed worsening of the metric against the unpruned model (≥ 0, in the metric's units). */
  readonly maxDrop: number;
  /** Computes the metric of a model on validation data. Must not dispose the model. */
  readonly evaluate: (model: tfl.LayersModel) => number | Promise<number>;
  /** 'higher' (default): larger is safer; 'lower': smaller is safer (collision rate). */
  readonly direction?: GuardDirection;
}

/** A validated guard: measures a model and judges a value against a reference value. */
export interface SafetyGuard {
  readonly metric: string;
  readonly maxDrop: number;
  readonly direction: GuardDirection;
  /** The metric of `model` (checked finite). */
  measure(model: tfl.LayersModel): Promise<number>;
  /** How much worse `value` is than `reference` (positive = worse). */
  drop(reference: number, value: number): number;
  /** drop(reference, value) ≤ maxDrop. */
  allows(reference: number, value: number): boolean;
  /** The unpruned model's value when it is known without measuring (a ratio against itself: 1). */
  readonly reference?: number;
  /**
   * A guard that judges a model as a whole (the closed-loop guard: a sequential test against the
   * dense policy) decides here; `detail` is its statement for the log. Used instead of allows().
   */
  assess?(model: tfl.LayersModel): Promise<{ value: number; allowed: boolean; detail: string }>;
}

/** Builds a safety guard; bad options throw InvalidArgumentError naming the field. */
export function guard(opts: GuardOptions): SafetyGuard {
  if (!opts || typeof opts !== 'object') {
    throw new InvalidArgumentError('guard: options must be an object { metric, maxDrop, evaluate }.', {
      field: 'options',
    });
  }
  const { metric, maxDrop, evaluate } = opts;
  if (typeof metric !== 'string' || metric.trim() === '') {
    throw new InvalidArgumentError(
      `guard: metric must be a non-empty name such as 'brake_recall', got ${JSON.stringify(metric)}.`,
      { field: 'metric' },
    );
  }
  if (typeof maxDrop !== 'number' || !Number.isFinite(maxDrop) || maxDrop < 0) {
    throw new InvalidArgumentError(
      `guard '${metric}': maxDrop must be a finite number ≥ 0 (the largest allowed worsening), got ${JSON.stringify(maxDrop)}.`,
      { field: 'maxDrop', metric },
    );
  }
  if (typeof evaluate !== 'function') {
    throw new InvalidArgumentError(
      `guard '${metric}': evaluate must be a function (model) => number computing the metric on validation data.`,
      { field: 'evaluate', metric },
    );
  }
  const direction = opts.direction ?? 'higher';
  if (direction !== 'higher' && direction !== 'lower') {
    throw new InvalidArgumentError(
      `guard '${metric}': direction must be 'higher' or 'lower', got ${JSON.stringify(direction)}.`,
      { field: 'direction', metric },
    );
  }
  const drop = (reference: number, value: number) =>
    direction === 'higher' ? reference - value : value - reference;
  return {
    metric,
    maxDrop,
    direction,
    async measure(model) {
      const v = await evaluate(model);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new NonFiniteError(
          `guard '${metric}': evaluate returned ${String(v)}; it must return a finite number.`,
          { field: 'evaluate', metric },
        );
      }
      return v;
    },
    drop,
    // A tiny tolerance so that an unchanged metric computed in another order still passes.
    allows: (reference, value) => drop(reference, value) <= maxDrop + 1e-9,
  };
}
