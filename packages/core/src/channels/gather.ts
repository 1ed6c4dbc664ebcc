import type { GraphNode, ParamInfo } from '../graph.js';
import { expandIndices } from './layout.js';
import type { WeightSlice } from './rule.js';

/**
 * Multi-axis selection on flat row-major arrays: keeps the listed indices along some axes. Used to
 * cut weights without going through tensors (no kernel launches, one pass, writes into a buffer
 * the caller owns so the whole new model's weights can live in one allocation).
 */

/** Shape after keeping `keeps[d]` along each axis (null = whole axis). */
export function keptShape(shape: readonly number[], keeps: readonly (readonly number[] | null)[]): number[] {
  return shape.map((d, i) => keeps[i]?.length ?? d);
}

/** Copies the kept elements of `src` (shape `shape`) into `dst` starting at `dstOffset`; returns the count. */
export function gatherInto(
  src: ArrayLike<number>,
  shape: readonly number[],
  keeps: readonly (readonly number[] | null)[],
  dst: Float32Array,
  dstOffset = 0,
): number {
  const rank = shape.length;
  if (rank === 0) {
    dst[dstOffset] = src[0];
    return 1;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  // Source offsets contributed by each kept index of each axis.
  const offs: Int32Array[] = shape.map((n, d) => {
    const k = keeps[d];
    const o = new Int32Array(k ? k.length : n);
    for (let i = 0; i < o.length; i++) o[i] = (k ? k[i] : i) * strides[d];
    return o;
  });
  // Trailing axes taken whole form one contiguous run copied at once.
  let tail = rank;
  while (tail > 0 && !keeps[tail - 1]) tail--;
  const run = tail === rank ? 1 : strides[tail - 1];
  const last = tail === 0 ? -1 : tail - 1;
  let w = dstOffset;
  const isTyped = ArrayBuffer.isView(src);
  const walk = (d: number, base: number): void => {
    const o = offs[d];
    if (d === last) {
      if (run === 1) {
        for (let i = 0; i < o.length; i++) dst[w++] = src[base + o[i]];
      } else {
        for (let i = 0; i < o.length; i++) {
          const s = base + o[i];
          if (isTyped) dst.set((src as Float32Array).subarray(s, s + run), w);
          else for (let j = 0; j < run; j++) dst[w + j] = src[s + j];
          w += run;
        }
      }
      return;
    }
    for (let i = 0; i < o.length; i++) walk(d + 1, base + o[i]);
  };
  if (last < 0) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (isTyped) dst.set((src as Float32Array).subarray(0, n), w);
    else for (let j = 0; j < n; j++) dst[w + j] = src[j];
    return n;
  }
  walk(0, 0);
  return w - dstOffset;
}

/** Sets to 0, in place, every element whose index along axis d is listed in `zero[d]`. */
export function zeroAlong(
  values: Float32Array,
  shape: readonly number[],
  zero: readonly (readonly number[] | null)[],
): void {
  const rank = shape.length;
  for (let d = 0; d < rank; d++) {
    const z = zero[d];
    if (!z || z.length === 0) continue;
    let outer = 1;
    for (let i = 0; i < d; i++) outer *= shape[i];
    let inner = 1;
    for (let i = d + 1; i < rank; i++) inner *= shape[i];
    const span = shape[d] * inner;
    for (let o = 0; o < outer; o++) {
      for (const idx of z) values.fill(0, o * span + idx * inner, o * span + (idx + 1) * inner);
    }
  }
}

/**
 * Kept indices per axis of one weight under a channel removal (null = whole axis), from the
 * weight slices the analysis found for its node: `kept` gives each node output's kept channels,
 * `layoutSize` each output's channel count. Formats cut their weight files with this and
 * `gatherInto` (graph models, ONNX) or zero them with `zeroAlong` for the masked reference.
 */
export function weightKeeps(
  node: GraphNode,
  param: ParamInfo,
  slices: readonly WeightSlice[],
  kept: ReadonlyMap<string, readonly number[]>,
  layoutSize: (node: string) => number,
): (number[] | null)[] {
  const keeps: (number[] | null)[] = param.shape.map(() => null);
  for (const s of slices) {
    if (s.weight !== param.name) continue;
    const base = s.side === 'out' ? node.name : node.inputs[s.input ?? 0];
    const size = layoutSize(base) * (s.expand ?? 1);
    const k = expandIndices(kept.get(base)!, s.expand ?? 1);
    if (k.length !== size) keeps[s.axis] = k;
  }
  return keeps;
}

/** The indices each axis drops, from kept indices per axis (null stays null). */
export function droppedIndices(
  shape: readonly number[],
  keeps: readonly (readonly number[] | null)[],
): (number[] | null)[] {
  return keeps.map((k, axis) => {
    if (!k) return null;
    const keep = new Set(k);
    return [...Array(shape[axis]).keys()].filter((i) => !keep.has(i));
  });
}
