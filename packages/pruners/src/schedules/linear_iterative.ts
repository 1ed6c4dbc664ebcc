import type { Schedule } from '@prunekit/core';
import { checkAt, checkSparsity, checkStep } from './check.js';
import { ScheduleError } from './schedule_error.js';

/**
 * Options of linearIterative: the final sparsity and its pruning steps, explicit or spread over [begin,
 * end].
 */
export interface LinearIterativeOptions {
  /** Sparsity reached at the last pruning step. */
  readonly final: number;
  /** Explicit pruning steps, strictly increasing. Give these, or begin/end/iterations. */
  readonly steps?: readonly number[];
  readonly begin?: number;
  readonly end?: number;
  /** Number of pruning steps spread evenly over [begin, end] (both included when ≥ 2). */
  readonly iterations?: number;
}

/** The JSON form of a linearIterative schedule (what toJSON returns and scheduleFromJSON reads). */
export interface LinearIterativeJSON {
  readonly type: 'linearIterative';
  readonly final: number;
  readonly steps: readonly number[];
}

/** Pruning steps spread evenly from begin to end. */
function spread(begin: number, end: number, iterations: number): number[] {
  if (iterations === 1) return [end];
  return Array.from({ length: iterations }, (_, k) =>
    Math.round(begin + ((end - begin) * k) / (iterations - 1)),
  );
}

/**
 * Iterative pruning in equal increments: at the k-th of K pruning steps the target is k/K·final
 * (prune, fine-tune, repeat — the classic iterative recipe, linear in the number of rounds).
 */
export function linearIterative(opts: LinearIterativeOptions): Schedule {
  const name = 'linearIterative';
  const final = checkSparsity(name, 'final', opts?.final);
  let steps: number[];
  if (opts.steps !== undefined) {
    if (!Array.isArray(opts.steps) || opts.steps.length === 0) {
      throw new ScheduleError(`${name}: steps must be a non-empty array of step numbers.`, {
        field: 'steps',
      });
    }
    steps = opts.steps.map((s, k) => checkStep(name, `steps[${k}]`, s));
    for (let k = 1; k < steps.length; k++) {
      if (steps[k] <= steps[k - 1]) {
        throw new ScheduleError(
          `${name}: steps must be strictly increasing, but steps[${k}] = ${steps[k]} comes after ${steps[k - 1]}; sort them and drop duplicates.`,
          { field: `steps[${k}]`, value: steps[k] },
        );
      }
    }
  } else {
    const begin = checkStep(name, 'begin', opts.begin ?? 0);
    const end = checkStep(name, 'end', opts.end);
    const iterations = checkStep(name, 'iterations', opts.iterations, 1);
    if (end < begin) {
      throw new ScheduleError(`${name}: end (${end}) comes before begin (${begin}).`, { field: 'end' });
    }
    if (iterations > end - begin + 1) {
      throw new ScheduleError(`${name}: ${iterations} iterations do not fit in steps ${begin}..${end}.`, {
        field: 'iterations',
      });
    }
    steps = spread(begin, end, iterations);
  }
  const json: LinearIterativeJSON = { type: name, final, steps };
  return {
    at(step) {
      checkAt(name, step);
      let done = 0;
      while (done < steps.length && steps[done] <= step) done++;
      return { prune: steps[done - 1] === step, sparsity: (final * done) / steps.length };
    },
    toJSON: () => ({ ...json, steps: [...steps] }),
  };
}
