import { InvalidArgumentError } from '@prunekit/core';

/** tfjs-converter's weight quantization: value = q · scale + min, one (scale, min) per tensor. */
export interface AffineQuantized {
  readonly q: Uint8Array | Uint16Array;
  readonly scale: number;
  readonly min: number;
}

/**
 * Affine uint8/uint16 quantization as tfjs-converter writes it, with the range widened to hold 0
 * and nudged so that 0 is a grid point: pruned weights decode to exactly 0 in tfjs's loader
 * (q · scale + min with min = -zeroPoint · scale). Per-weight error ≤ scale / 2.
 */
export function quantizeAffine(values: Float32Array, dtype: 'uint8' | 'uint16'): AffineQuantized {
  if (dtype !== 'uint8' && dtype !== 'uint16') {
    throw new InvalidArgumentError(
      `Affine quantization dtype must be uint8 or uint16, got ${JSON.stringify(dtype)}.`,
    );
  }
  const levels = dtype === 'uint8' ? 255 : 65535;
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v))
      throw new InvalidArgumentError(`Cannot quantize a non-finite weight value (${v}).`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  if (hi === lo) return { q, scale: 1, min: 0 };
  // One level of slack, so that nudging 0 onto the grid never pushes lo or hi off it.
  const scale = (hi - lo) / (levels - 1);
  const zeroPoint = Math.round(-lo / scale);
  const min = -zeroPoint * scale;
  for (let i = 0; i < values.length; i++) {
    q[i] = Math.max(0, Math.min(levels, Math.round((values[i] - min) / scale)));
  }
  return { q, scale, min };
}
