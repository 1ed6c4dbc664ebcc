import { checkRange, type Rng } from '@prunekit/core';

/** A 1-D k-means clustering: the centroids and each value's centroid index. */
export interface KMeans1D {
  /** Sorted ascending, at most k (fewer when the data holds fewer distinct values). */
  readonly centroids: Float32Array;
  /** Index into `centroids` for each input value. */
  readonly codes: Uint32Array;
}

/** Largest index j with sorted[j] <= v… then the nearer of sorted[j], sorted[j+1]. */
function nearest(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  if (lo + 1 < sorted.length && sorted[lo + 1] - v < v - sorted[lo]) return lo + 1;
  return lo;
}

/** k-means++ seeding: first centre uniform, each next one drawn with probability ∝ D². */
function seedCentres(values: Float32Array, k: number, rng: Rng): number[] {
  const centres = [values[rng.int(values.length)]];
  const d2 = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) d2[i] = (values[i] - centres[0]) ** 2;
  while (centres.length < k) {
    let total = 0;
    for (let i = 0; i < d2.length; i++) total += d2[i];
    if (total === 0) break;
    let r = rng.next() * total;
    let pick = d2.length - 1;
    for (let i = 0; i < d2.length; i++) {
      r -= d2[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
    const c = values[pick];
    centres.push(c);
    for (let i = 0; i < d2.length; i++) d2[i] = Math.min(d2[i], (values[i] - c) ** 2);
  }
  return centres;
}

/**
 * 1-D k-means (Lloyd) with k-means++ seeding drawn from `rng`: the same seed gives the same
 * centroids. Assignment is a binary search over the sorted centres (O(n log k) per iteration);
 * an emptied cluster is dropped. Stops when no code changes or after `maxIter` iterations.
 */
export function kmeans1d(values: Float32Array, k: number, rng: Rng, maxIter = 30): KMeans1D {
  checkRange('k', k, 1, 65536, { integer: true, maxInclusive: true });
  if (values.length === 0) return { centroids: new Float32Array(0), codes: new Uint32Array(0) };
  let centres = Float64Array.from(new Set(seedCentres(values, k, rng))).sort();
  const codes = new Uint32Array(values.length);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = iter === 0;
    for (let i = 0; i < values.length; i++) {
      const c = nearest(centres, values[i]);
      if (c !== codes[i]) {
        codes[i] = c;
        changed = true;
      }
    }
    const sum = new Float64Array(centres.length);
    const count = new Uint32Array(centres.length);
    for (let i = 0; i < values.length; i++) {
      sum[codes[i]] += values[i];
      count[codes[i]]++;
    }
    const next: number[] = [];
    for (let c = 0; c < centres.length; c++) if (count[c] > 0) next.push(Math.fround(sum[c] / count[c]));
    const moved = next.length !== centres.length || next.some((v, c) => v !== centres[c]);
    centres = Float64Array.from(next).sort();
    if (!changed && !moved) break;
  }
  // Final assignment against the final centres.
  for (let i = 0; i < values.length; i++) codes[i] = nearest(centres, values[i]);
  return { centroids: Float32Array.from(centres), codes };
}
