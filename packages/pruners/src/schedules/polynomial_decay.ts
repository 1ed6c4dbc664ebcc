import type { Schedule } from '@prunekit/core';
import { checkAt, checkSparsity, checkStep, isPruningTurn } from './check.js';
import { ScheduleError } from './schedule_error.js';

/**
 * Options of polynomialDecay: sparsity from `initial` to `final` over steps begin..end, with frequency
 * and exponent.
 */
export interface PolynomialDecayOptions {
  readonly initial: number;
  readonly final: number;
  readonly begin: number;
  readonly end: number;
  /** Prune every `frequency` steps from `begin` (and always at `end`). Default 100. */
  readonly frequency?: number;
  /** Exponent of the decay: high values prune fast early and slowly near the end. Default 3. */
  readonly power?: number;
}

/** The JSON form of a polynomialDecay schedule (what toJSON returns and scheduleFromJSON reads). */
export interface PolynomialDecayJSON {
  readonly type: 'polynomialDecay';
  readonly initial: number;
  readonly final: number;
  readonly begin: number;
  readonly end: number;
  readonly frequency: number;
  readonly power: number;
}

/**
 * Gradual pruning (Zhu & Gupta 2017, TF-MOT's PolynomialDecay): sparsity rises from `initial`
 * at `begin` to `final` at `end` as final + (initial − final)·(1 − t)^power, t = progress in [0, 1].
 * Unlike TF-MOT, `end` is always a pruning step, so the final sparsity is reached whatever the
 * frequency.
 */
export function polynomialDecay(opts: PolynomialDecayOptions): Schedule {
  const name = 'polynomialDecay';
  const json: PolynomialDecayJSON = {
    type: name,
    initial: checkSparsity(name, 'initial', opts?.initial),
    final: checkSparsity(name, 'final', opts.final),
    begin: checkStep(name, 'begin', opts.begin),
    end: checkStep(name, 'end', opts.end),
    frequency: checkStep(name, 'frequency', opts.frequency ?? 100, 1),
    power: opts.power ?? 3,
  };
  if (json.end <= json.begin) {
    throw new ScheduleError(`${name}: end (${json.end}) must come after begin (${json.begin}).`, {
      field: 'end',
    });
  }
  if (json.final < json.initial) {
    throw new ScheduleError(
      `${name}: final (${json.final}) is below initial (${json.initial}); masks only grow, so sparsity cannot fall.`,
      { field: 'final' },
    );
  }
  if (typeof json.power !== 'number' || !Number.isFinite(json.power) || json.power <= 0) {
    throw new ScheduleError(`${name}: power must be a positive number, got ${JSON.stringify(json.power)}.`, {
      field: 'power',
    });
  }
  const { initial, final, begin, end, frequency, power } = json;
  return {
    at(step) {
      checkAt(name, step);
      const t = Math.min(1, Math.max(0, (step - begin) / (end - begin)));
      const sparsity = final + (initial - final) * (1 - t) ** power;
      return { prune: isPruningTurn(step, begin, end, frequency) || step === end, sparsity };
    },
    toJSON: () => ({ ...json }),
  };
}
