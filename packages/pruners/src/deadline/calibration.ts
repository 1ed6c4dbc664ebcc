import { createRng, InvalidArgumentError } from '@prunekit/core';
import type { LayerPrediction } from './latency_model.js';
import type { ScoredWidthGroup, Widths } from './width_search.js';

/**
 * One whole-model measurement beside the table's per-layer prediction for the same model: what
 * a calibration is fit on. `source` says where it came from (the dense model, a sampled width
 * assignment, or a deadlinePrune verification round), so a caller can hold some out.
 */
export interface LatencySample {
  readonly perLayer: readonly LayerPrediction[];
  readonly measuredMs: number;
  readonly source: 'dense' | 'sample' | 'round';
}

/**
 * A correction of the per-layer table fit on whole-model runs: a model's latency is
 * `interceptMs + Σ_class scale[class] · (Σ table ms of its layers of that class)`. Layers timed
 * alone do not cost what they cost inside a model (caches, allocation, the per-op dispatch that
 * one isolated call hides); the fit learns, per layer class, how much the table over- or
 * under-states them on this backend and model.
 */
export interface LatencyCalibration {
  /** Fitted cost of a call beyond its layers (may be negative when the table over-counts). */
  readonly interceptMs: number;
  /** Whole-model ms per table ms, per layer class (1 = the table is right). */
  readonly scale: Readonly<Record<string, number>>;
  /** Whole-model measurements it was fit on. */
  readonly samples: number;
  /** Largest |fit − measured| / measured over those samples (in-sample; see LatencySample.source). */
  readonly fitError: number;
}

/** Σ table ms per layer class of one prediction. */
export function classSums(perLayer: readonly LayerPrediction[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of perLayer) out.set(p.className, (out.get(p.className) ?? 0) + p.ms);
  return out;
}

/** A model's latency under a calibration, from the table's per-layer prediction (or its class sums). */
export function calibratedMs(
  pred: readonly LayerPrediction[] | ReadonlyMap<string, number>,
  cal: LatencyCalibration,
): number {
  const sums = pred instanceof Map ? pred : classSums(pred as readonly LayerPrediction[]);
  let ms = cal.interceptMs;
  for (const [c, x] of sums) ms += (cal.scale[c] ?? 1) * x;
  return ms;
}

/** Solves the square system A·x = b (Gaussian elimination, partial pivoting); A is n×n row-major. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) piv = r;
    [m[col], m[piv]] = [m[piv], m[col]];
    const d = m[col][col];
    if (Math.abs(d) < 1e-12) continue; // a feature no sample has: the ridge keeps d > 0 in practice
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / d;
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[n] / row[i]));
}

/**
 * Fits a LatencyCalibration by least squares: one scale for the whole table (default) or one per
 * layer class (`perClass`), each pulled towards 1 by a ridge
 * (`ridge` × the class's mean table ms, squared), so a class the samples barely vary keeps the
 * table's figure. Scales stay > 0: a class fitted at or below 0 is fixed at 1 (the table's own
 * figure) and the rest refit, since a zero scale would tell a width search that narrowing that class
 * saves nothing, and a negative one that it costs time (noise in a few whole-model runs, not a law).
 * The intercept may be negative (the table over-counts per-layer overhead) but not so negative that a
 * measured sample is predicted at ≤ 0 ms; then it is fixed at 0 and the scales refit.
 * Weighted by 1/measured², so the fit minimises the relative error a budget cares about.
 */
export function fitCalibration(
  samples: readonly LatencySample[],
  opts: { readonly ridge?: number; readonly perClass?: boolean } = {},
): LatencyCalibration {
  if (samples.length === 0) {
    throw new InvalidArgumentError('fitCalibration needs at least one whole-model measurement.', {
      field: 'samples',
    });
  }
  const ridge = opts.ridge ?? 0.1;
  const byClass = samples.map((s) => classSums(s.perLayer));
  const allClasses = [...new Set(byClass.flatMap((m) => [...m.keys()]))].sort();
  // One scale for every class unless asked: width samples move all classes together, so per-class
  // scales are barely identifiable from a handful of runs (they trade off against each other).
  const ALL = '*';
  const sums = opts.perClass
    ? byClass
    : byClass.map((m) => new Map([[ALL, [...m.values()].reduce((a, x) => a + x, 0)]]));
  const classes = opts.perClass ? allClasses : [ALL];
  const mean = classes.map((c) => sums.reduce((a, m) => a + (m.get(c) ?? 0), 0) / samples.length);
  const fixed = new Set<number>();
  let scale: number[] = classes.map(() => 1);
  let intercept = 0;
  let interceptFixed = false;
  for (let pass = 0; pass <= classes.length + 1; pass++) {
    // Unknowns: [intercept, scale_0 … scale_k-1]; a fixed scale is 1, its table ms moved to the target.
    const n = classes.length + 1;
    const ata = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const atb = new Array<number>(n).fill(0);
    samples.forEach((s, i) => {
      const w = 1 / Math.max(1e-9, s.measuredMs) ** 2;
      const x = [
        interceptFixed ? 0 : 1,
        ...classes.map((c, k) => (fixed.has(k) ? 0 : (sums[i].get(c) ?? 0))),
      ];
      const y = s.measuredMs - classes.reduce((a, c, k) => a + (fixed.has(k) ? (sums[i].get(c) ?? 0) : 0), 0);
      for (let r = 0; r < n; r++) {
        atb[r] += w * x[r] * y;
        for (let c = 0; c < n; c++) ata[r][c] += w * x[r] * x[c];
      }
    });
    // Ridge towards scale 1, in the same relative units as the data term.
    const mMean = samples.reduce((a, s) => a + s.measuredMs, 0) / samples.length;
    classes.forEach((_, k) => {
      const lam = (ridge * mean[k]) ** 2 / Math.max(1e-9, mMean) ** 2;
      ata[k + 1][k + 1] += fixed.has(k) ? 1 : lam;
      atb[k + 1] += fixed.has(k) ? 1 : lam;
    });
    // With fewer than two samples the intercept is not identifiable: pin it near 0.
    ata[0][0] += interceptFixed || samples.length < 2 ? 1 : 1e-9;
    const x = solve(ata, atb);
    intercept = interceptFixed ? 0 : x[0];
    scale = classes.map((_, k) => (fixed.has(k) ? 1 : x[k + 1]));
    const neg = scale.findIndex((v, k) => v <= 0 && !fixed.has(k));
    if (neg >= 0) {
      fixed.add(neg);
      continue;
    }
    // A negative intercept so large that a measured model is predicted to take no time at all is
    // noise in the whole-model runs (a budget search would aim below zero): fit without it.
    const atOrBelowZero = sums.some(
      (m) => classes.reduce((a, c, k) => a + scale[k] * (m.get(c) ?? 0), intercept) <= 0,
    );
    if (interceptFixed || !atOrBelowZero) break;
    interceptFixed = true;
  }
  const cal: LatencyCalibration = {
    interceptMs: intercept,
    scale: Object.fromEntries(
      opts.perClass ? classes.map((c, k) => [c, scale[k]]) : allClasses.map((c) => [c, scale[0]]),
    ),
    samples: samples.length,
    fitError: 0,
  };
  const fitError = Math.max(
    ...samples.map((s, i) => Math.abs(calibratedMs(byClass[i], cal) - s.measuredMs) / s.measuredMs),
  );
  return { ...cal, fitError };
}

/**
 * `n` width assignments spread from full width to ~30% kept, each group jittered around the
 * assignment's common ratio (seeded), for calibration runs: they vary every group, together and
 * apart, so the fit sees each layer class at many widths.
 */
export function sampleWidths(
  groups: readonly ScoredWidthGroup[],
  n: number,
  seed = 0,
  maxPerGroup = 0.9,
): Widths[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, k) => {
    const base = 1 - (0.7 * (k + 1)) / n;
    return new Map(
      groups.map((g) => {
        const r = Math.min(1, Math.max(1 - maxPerGroup, base + (rng.next() - 0.5) * 0.4));
        return [g.group.id, Math.max(1, Math.round(g.group.size * r))];
      }),
    );
  });
}
