/**
 * Range of one layer's output over the calibration data, with the affine int8 parameters a
 * full-integer backend would use: real ≈ (q − zeroPoint) · scale, q in [−128, 127], 0 exact.
 */
export interface ActivationRange {
  readonly min: number;
  readonly max: number;
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Activation ranges by layer name. */
export type ActivationRanges = Record<string, ActivationRange>;

/** int8 affine parameters of a [min, max] range widened to hold 0. */
export function int8Params(min: number, max: number): ActivationRange {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (hi === lo) return { min, max, scale: 1, zeroPoint: 0 };
  const scale = (hi - lo) / 255;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
  return { min, max, scale, zeroPoint };
}
