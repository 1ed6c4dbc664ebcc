import { InvalidArgumentError, ShapeError } from '@prunekit/core';

/** 'per-channel': one scale per slice along `axis`; 'per-tensor': one scale for the whole weight. */
export type Int8Scheme = 'per-channel' | 'per-tensor';

/** Symmetric int8 weights: value ≈ q · scale[channel], q in [-127, 127], 0 ↦ 0 exactly. */
export interface Int8Weights {
  readonly shape: readonly number[];
  readonly q: Int8Array;
  readonly scales: Float32Array;
  /** Channel axis of the scales; null for per-tensor. */
  readonly axis: number | null;
}

/** Channel of each flat index for slices along `axis` (row-major). */
export function channelOf(shape: readonly number[], axis: number): (i: number) => number {
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const dim = shape[axis];
  return (i) => Math.floor(i / inner) % dim;
}

function checkAxis(shape: readonly number[], axis: number): number {
  const a = axis < 0 ? shape.length + axis : axis;
  if (!Number.isInteger(a) || a < 0 || a >= shape.length) {
    throw new InvalidArgumentError(`Channel axis ${axis} is out of range for a weight of shape [${shape}].`, {
      axis,
    });
  }
  return a;
}

/**
 * Quantizes float weights to int8 with symmetric scales (scale = max|w| / 127 per channel or per
 * tensor). Rounding to nearest keeps every weight within scale/2 of its original value, and exact
 * zeros (pruned weights) stay exact zeros.
 */
export function quantizeInt8(
  values: Float32Array,
  shape: readonly number[],
  opts: { scheme?: Int8Scheme; axis?: number } = {},
): Int8Weights {
  const n = shape.reduce((a, d) => a * d, 1);
  if (values.length !== n) {
    throw new ShapeError(`quantizeInt8: ${values.length} values do not fit shape [${shape}].`);
  }
  const scheme = opts.scheme ?? 'per-channel';
  if (scheme !== 'per-channel' && scheme !== 'per-tensor') {
    throw new InvalidArgumentError(
      `scheme must be 'per-channel' or 'per-tensor', got ${JSON.stringify(scheme)}.`,
    );
  }
  const perChannel = scheme === 'per-channel' && shape.length > 0;
  const axis = perChannel ? checkAxis(shape, opts.axis ?? -1) : null;
  const chan = axis === null ? () => 0 : channelOf(shape, axis);
  const channels = axis === null ? 1 : shape[axis];
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < n; i++) {
    const a = Math.abs(values[i]);
    if (!Number.isFinite(a)) {
      throw new InvalidArgumentError(
        `quantizeInt8: value at flat index ${i} is ${values[i]}; weights must be finite.`,
      );
    }
    const c = chan(i);
    if (a > maxAbs[c]) maxAbs[c] = a;
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = maxAbs[c] / 127;
  const q = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const s = scales[chan(i)];
    q[i] = s === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(values[i] / s)));
  }
  return { shape: [...shape], q, scales, axis };
}

/** Float values of int8 weights (q · scale). */
export function dequantizeInt8(w: Int8Weights): Float32Array {
  const chan = w.axis === null ? () => 0 : channelOf(w.shape, w.axis);
  const out = new Float32Array(w.q.length);
  for (let i = 0; i < out.length; i++) out[i] = w.q[i] * w.scales[chan(i)];
  return out;
}
