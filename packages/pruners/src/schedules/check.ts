import { InvalidArgumentError } from '@prunekit/core';
import { ScheduleError } from './schedule_error.js';

/** A target sparsity: a number in [0, 1). */
export function checkSparsity(schedule: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new ScheduleError(`${schedule}: ${field} must be a sparsity in [0, 1), got ${JSON.stringify(v)}.`, {
      field,
      value: v,
    });
  }
  return v;
}

/** A step count or step index: an integer ≥ min. */
export function checkStep(schedule: string, field: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ScheduleError(`${schedule}: ${field} must be an integer ≥ ${min}, got ${JSON.stringify(v)}.`, {
      field,
      value: v,
    });
  }
  return v;
}

/** The step passed to at(): a non-negative integer. */
export function checkAt(schedule: string, step: unknown): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    throw new InvalidArgumentError(
      `${schedule}.at: step must be a non-negative integer, got ${JSON.stringify(step)}.`,
      {
        field: 'step',
        value: step,
      },
    );
  }
  return step;
}

/** Whether `step` is a pruning step of a window [begin, end] (end −1: open) every `frequency` steps. */
export function isPruningTurn(step: number, begin: number, end: number, frequency: number): boolean {
  return step >= begin && (end < 0 || step <= end) && (step - begin) % frequency === 0;
}
