import type { Schedule } from '@prunekit/core';
import { checkAt, checkSparsity, checkStep, isPruningTurn } from './check.js';
import { ScheduleError } from './schedule_error.js';

/** Options of constantSparsity: the sparsity, and the steps it is applied from, until and every. */
export interface ConstantSparsityOptions {
  readonly sparsity: number;
  /** First pruning step. Default 0. */
  readonly begin?: number;
  /** Last step that may prune; −1 keeps pruning for ever. Default −1. */
  readonly end?: number;
  /** Prune every `frequency` steps from `begin`. Default 100. */
  readonly frequency?: number;
}

/** The JSON form of a constantSparsity schedule (what toJSON returns and scheduleFromJSON reads). */
export interface ConstantSparsityJSON {
  readonly type: 'constantSparsity';
  readonly sparsity: number;
  readonly begin: number;
  readonly end: number;
  readonly frequency: number;
}

/**
 * Re-applies the same target sparsity every `frequency` steps within [begin, end] (TF-MOT's
 * ConstantSparsity: useful to keep masks in force while weights keep training).
 */
export function constantSparsity(opts: ConstantSparsityOptions): Schedule {
  const name = 'constantSparsity';
  const json: ConstantSparsityJSON = {
    type: name,
    sparsity: checkSparsity(name, 'sparsity', opts?.sparsity),
    begin: checkStep(name, 'begin', opts.begin ?? 0),
    end: checkStep(name, 'end', opts.end ?? -1, -1),
    frequency: checkStep(name, 'frequency', opts.frequency ?? 100, 1),
  };
  if (json.end >= 0 && json.end < json.begin) {
    throw new ScheduleError(
      `${name}: end (${json.end}) comes before begin (${json.begin}); use end ≥ begin or −1.`,
      {
        field: 'end',
      },
    );
  }
  return {
    at(step) {
      checkAt(name, step);
      return { prune: isPruningTurn(step, json.begin, json.end, json.frequency), sparsity: json.sparsity };
    },
    toJSON: () => ({ ...json }),
  };
}
