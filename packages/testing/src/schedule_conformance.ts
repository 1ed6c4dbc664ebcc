import { PrunekitError, type Schedule } from '@prunekit/core';
import { describe, expect, it } from 'vitest';

/** Options of describeScheduleConformance(): the JSON reader, the steps checked and whether sparsity must be monotone. */
export interface ScheduleConformanceOptions {
  /** Rebuilds a schedule from its toJSON() output. */
  readonly fromJSON: (json: unknown) => Schedule;
  /** Steps to probe (default 0 … 1000 and a few far ones). */
  readonly steps?: readonly number[];
  /** Sparsity never decreases as steps grow (gradual schedules). Default true. */
  readonly monotone?: boolean;
}

const defaultSteps = (): number[] => [...Array.from({ length: 1001 }, (_, i) => i), 5000, 100_000];

/**
 * The contract every Schedule meets, in the style of TF-MOT's parameterised schedule tests:
 * sparsity within [0, 1], a pruning step within the horizon, a pure at(), monotone sparsity for
 * gradual schedules, and an exact JSON round trip.
 */
export function describeScheduleConformance(
  name: string,
  make: () => Schedule,
  opts: ScheduleConformanceOptions,
): void {
  const steps = opts.steps ?? defaultSteps();
  describe(`Schedule conformance: ${name}`, () => {
    it('gives a sparsity within [0, 1] and a boolean prune flag at every step', () => {
      const s = make();
      const bad = steps
        .map((step) => ({ step, ...s.at(step) }))
        .filter(({ prune, sparsity }) => typeof prune !== 'boolean' || !(sparsity >= 0 && sparsity <= 1));
      expect(bad).toEqual([]);
    });

    it('prunes at least once within the probed steps', () => {
      const s = make();
      expect(steps.some((step) => s.at(step).prune)).toBe(true);
    });

    it('answers the same for a step whatever was asked before', () => {
      const s = make();
      const forward = steps.map((step) => s.at(step));
      const backward = [...steps]
        .reverse()
        .map((step) => make().at(step))
        .reverse();
      expect(backward).toEqual(forward);
      expect(steps.map((step) => s.at(step))).toEqual(forward);
    });

    if (opts.monotone !== false) {
      it('never lowers the sparsity as steps grow', () => {
        const s = make();
        const sorted = [...steps].sort((a, b) => a - b);
        const drops: number[] = [];
        let prev = -Infinity;
        for (const step of sorted) {
          const { sparsity } = s.at(step);
          if (sparsity < prev) drops.push(step);
          prev = sparsity;
        }
        expect(drops).toEqual([]);
      });
    }

    it('survives a JSON round trip', () => {
      const s = make();
      const json = JSON.parse(JSON.stringify(s.toJSON()));
      const back = opts.fromJSON(json);
      expect(back.toJSON()).toEqual(s.toJSON());
      expect(steps.map((step) => back.at(step))).toEqual(steps.map((step) => s.at(step)));
    });

    it('refuses a negative or fractional step with a typed error', () => {
      const s = make();
      expect(() => s.at(-1)).toThrow(PrunekitError);
      expect(() => s.at(1.5)).toThrow(PrunekitError);
    });
  });
}
