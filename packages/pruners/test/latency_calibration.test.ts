import { describe, expect, it } from 'vitest';
import {
  calibratedMs,
  fitCalibration,
  type LatencySample,
  type ScoredWidthGroup,
  sampleWidths,
} from '../src/index.js';

/** A sample whose whole-model time follows a known law of its per-class table sums. */
const sample = (conv: number, dense: number, law: (c: number, d: number) => number): LatencySample => ({
  perLayer: [
    { layer: 'c1', className: 'Conv2D', ms: conv * 0.25 },
    { layer: 'c2', className: 'Conv2D', ms: conv * 0.75 },
    { layer: 'fc', className: 'Dense', ms: dense },
  ],
  measuredMs: law(conv, dense),
  source: 'sample',
});

describe('fitCalibration', () => {
  it('recovers per-class scales and the intercept of whole-model runs, and predicts a model it did not see', () => {
    const law = (c: number, d: number) => 0.4 + 1.8 * c + 0.5 * d;
    const xs = [
      [4, 1],
      [3, 0.9],
      [2.5, 0.4],
      [1.5, 0.7],
      [1, 0.2],
      [0.6, 0.5],
    ];
    const cal = fitCalibration(
      xs.map(([c, d]) => sample(c, d, law)),
      { ridge: 1e-6, perClass: true },
    );
    expect(cal.interceptMs).toBeCloseTo(0.4, 3);
    expect(cal.scale.Conv2D).toBeCloseTo(1.8, 3);
    expect(cal.scale.Dense).toBeCloseTo(0.5, 3);
    expect(cal.fitError).toBeLessThan(1e-6);
    const held = sample(2, 0.3, law);
    expect(calibratedMs(held.perLayer, cal)).toBeCloseTo(held.measuredMs, 3);
    // The uncorrected table is far off on the same model: the calibration is what fixes it.
    const tableSum = held.perLayer.reduce((a, p) => a + p.ms, 0);
    expect(Math.abs(tableSum - held.measuredMs) / held.measuredMs).toBeGreaterThan(0.3);
  });

  it('keeps scales > 0 (a class fitted ≤ 0 takes the table figure, 1), pulls a class the samples do not vary towards 1, and refuses no samples', () => {
    // Dense time never changes across samples: its scale is not identifiable apart from the intercept.
    const law = (c: number) => 1 + 2 * c;
    const cal = fitCalibration(
      [4, 3, 2, 1].map((c) => sample(c, 0.5, law)),
      { perClass: true },
    );
    expect(cal.scale.Dense).toBeGreaterThanOrEqual(0);
    expect(Math.abs(cal.scale.Dense - 1)).toBeLessThan(0.2);
    expect(cal.scale.Conv2D).toBeGreaterThan(1.5);
    // A law where the model gets *slower* as the table gets cheaper would need a negative scale: the
    // scale takes the table's figure (1) instead. The intercept that would be left over (the
    // 1/measured²-weighted mean residual) predicts the cheapest sample below zero, so it is 0 too:
    // the calibration is the plain table, and the calibrated cost still falls as the table's does.
    const slower = [4, 3, 2, 1].map((c) => sample(c, 0, (cc) => 5 - cc));
    const neg = fitCalibration(slower, { ridge: 1e-6 });
    for (const v of Object.values(neg.scale)) expect(v).toBe(1);
    const w = slower.map((x) => 1 / x.measuredMs ** 2);
    const rest = slower.map((x) => x.measuredMs - x.perLayer.reduce((a, p) => a + p.ms, 0));
    const wMean = rest.reduce((a, r, i) => a + w[i] * r, 0) / w.reduce((a, x) => a + x, 0);
    expect(1 + wMean).toBeLessThan(0);
    expect(neg.interceptMs).toBe(0);
    expect(calibratedMs(slower[0].perLayer, neg)).toBeGreaterThan(calibratedMs(slower[3].perLayer, neg));
    // Whole-model runs on a loaded machine (the dense one slowest, a mid width fastest: noise) need a
    // negative slope; with the scale at 1 the left-over intercept would predict the narrowest sample
    // below zero, and a budget search would aim below zero. The intercept is fixed at 0 instead.
    const noisy = [sample(2.4, 0, () => 5.6), sample(2, 0, () => 0.55), sample(1.2, 0, () => 3.8)];
    const positive = fitCalibration(noisy, { ridge: 1e-6 });
    expect(positive.interceptMs).toBe(0);
    for (const v of Object.values(positive.scale)) expect(v).toBeGreaterThan(0);
    for (const x of noisy) expect(calibratedMs(x.perLayer, positive)).toBeGreaterThan(0);
    expect(() => fitCalibration([])).toThrow(/at least one/);
    // The default: one scale for the whole table (and the intercept), shared by every class.
    const one = fitCalibration(
      [4, 3, 2, 1].map((c) => sample(c, c / 4, (cc, d) => 0.3 + 1.5 * (cc + d))),
      {
        ridge: 1e-6,
      },
    );
    expect(one.scale.Conv2D).toBeCloseTo(1.5, 3);
    expect(one.scale.Dense).toBeCloseTo(1.5, 3);
    expect(one.interceptMs).toBeCloseTo(0.3, 3);
  });
});

describe('sampleWidths', () => {
  it('spreads seeded width assignments from near full width down, within each group', () => {
    const group = (id: string, size: number) =>
      ({
        group: { id, size, roots: [id], members: [] },
        scores: new Float32Array(size),
      }) as unknown as ScoredWidthGroup;
    const groups = [group('a', 32), group('b', 10)];
    const a = sampleWidths(groups, 6, 3);
    expect(a).toEqual(sampleWidths(groups, 6, 3));
    expect(a).toHaveLength(6);
    for (const w of a) {
      expect(w.get('a')).toBeGreaterThanOrEqual(4);
      expect(w.get('a')).toBeLessThanOrEqual(32);
      expect(w.get('b')).toBeGreaterThanOrEqual(1);
    }
    const kept = a.map((w) => w.get('a')!);
    expect(Math.max(...kept) - Math.min(...kept)).toBeGreaterThan(10);
  });
});
