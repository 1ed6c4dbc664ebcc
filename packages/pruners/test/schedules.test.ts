import { InvalidArgumentError, PrunekitError } from '@prunekit/core';
import { describeScheduleConformance } from '@prunekit/test-utils';
import { describe, expect, it } from 'vitest';
import { ScheduleError, constantSparsity, oneShot, polynomialDecay, scheduleFromJSON } from '../src/index.js';

const cases = [
  ['oneShot at 0', () => oneShot(0.5)],
  ['oneShot at 250', () => oneShot(0.8, { step: 250 })],
  ['constantSparsity open-ended', () => constantSparsity({ sparsity: 0.6 })],
  ['constantSparsity windowed', () => constantSparsity({ sparsity: 0.3, begin: 10, end: 500, frequency: 7 })],
  ['polynomialDecay cubic', () => polynomialDecay({ initial: 0, final: 0.9, begin: 100, end: 900 })],
  [
    'polynomialDecay linear, odd frequency',
    () => polynomialDecay({ initial: 0.2, final: 0.75, begin: 0, end: 333, frequency: 50, power: 1 }),
  ],
] as const;
for (const [name, make] of cases) describeScheduleConformance(name, make, { fromJSON: scheduleFromJSON });

describe('schedules', () => {
  it('oneShot prunes once, at its step', () => {
    const s = oneShot(0.5, { step: 3 });
    expect([0, 2, 3, 4, 9].map((k) => s.at(k))).toEqual([
      { prune: false, sparsity: 0 },
      { prune: false, sparsity: 0 },
      { prune: true, sparsity: 0.5 },
      { prune: false, sparsity: 0.5 },
      { prune: false, sparsity: 0.5 },
    ]);
  });

  it('constantSparsity prunes every frequency steps inside its window', () => {
    const s = constantSparsity({ sparsity: 0.4, begin: 10, end: 30, frequency: 10 });
    const pruned = Array.from({ length: 50 }, (_, k) => k).filter((k) => s.at(k).prune);
    expect(pruned).toEqual([10, 20, 30]);
    expect(s.at(0).sparsity).toBe(0.4);
  });

  it('polynomialDecay follows final + (initial − final)(1 − t)^power and reaches final at end', () => {
    const s = polynomialDecay({ initial: 0.1, final: 0.9, begin: 100, end: 300, frequency: 64, power: 3 });
    expect(s.at(0).sparsity).toBeCloseTo(0.1, 12);
    expect(s.at(100).sparsity).toBeCloseTo(0.1, 12);
    expect(s.at(200).sparsity).toBeCloseTo(0.9 + (0.1 - 0.9) * 0.5 ** 3, 12);
    expect(s.at(300)).toEqual({ prune: true, sparsity: 0.9 });
    expect(s.at(1000).sparsity).toBeCloseTo(0.9, 12);
    expect(s.at(1000).prune).toBe(false);
    const pruned = Array.from({ length: 400 }, (_, k) => k).filter((k) => s.at(k).prune);
    expect(pruned).toEqual([100, 164, 228, 292, 300]);
  });

  it('refuses arguments out of range or out of order with typed errors naming the field', () => {
    expect(() => polynomialDecay({ initial: 0, final: 0.5, begin: 100, end: 50 })).toThrow(ScheduleError);
    expect(() => polynomialDecay({ initial: 0, final: 0.5, begin: 100, end: 50 })).toThrow(
      /end \(50\).*begin \(100\)/,
    );
    expect(() => polynomialDecay({ initial: 0.6, final: 0.5, begin: 0, end: 50 })).toThrow(/final/);
    expect(() => polynomialDecay({ initial: 0, final: 1, begin: 0, end: 50 })).toThrow(
      /final must be a sparsity in \[0, 1\)/,
    );
    expect(() => polynomialDecay({ initial: 0, final: 0.5, begin: 0, end: 50, power: 0 })).toThrow(/power/);
    expect(() => polynomialDecay({ initial: 0, final: 0.5, begin: 0, end: 50, frequency: 0 })).toThrow(
      /frequency/,
    );
    expect(() => constantSparsity({ sparsity: 0.5, begin: 10, end: 5 })).toThrow(ScheduleError);
    expect(() => constantSparsity({ sparsity: -0.1 })).toThrow(/sparsity/);
    expect(() => oneShot(1.2)).toThrow(/sparsity must be a sparsity in \[0, 1\)/);
    expect(() => oneShot(0.5, { step: -2 })).toThrow(/step/);
    try {
      oneShot(Number.NaN);
    } catch (e) {
      expect(e).toBeInstanceOf(PrunekitError);
      expect((e as PrunekitError).code).toBe('E_SCHEDULE');
    }
    expect(() => oneShot(0.5).at(-1)).toThrow(InvalidArgumentError);
  });

  it('scheduleFromJSON refuses what is not a schedule', () => {
    expect(() => scheduleFromJSON({ type: 'cosine' })).toThrow(ScheduleError);
    expect(() => scheduleFromJSON({ type: 'toString' })).toThrow(ScheduleError);
    expect(() => scheduleFromJSON(null)).toThrow(/Not a schedule/);
    expect(() =>
      scheduleFromJSON({ type: 'polynomialDecay', initial: 0, final: 0.5, begin: 9, end: 3 }),
    ).toThrow(ScheduleError);
  });
});
