/** Which weights get compressed (int8 / clustered) and along which axis their channels lie. */
export type WeightSelector = (name: string, shape: readonly number[]) => boolean;

/**
 * Default: the kernels of Dense / Conv / DepthwiseConv layers (name ending in 'kernel', rank ≥ 2).
 * Biases, BatchNormalization statistics and other small vectors stay float32: they are a tiny part
 * of the bytes and the most sensitive to rounding.
 */
export const kernelsOnly: WeightSelector = (name, shape) => shape.length >= 2 && /kernel$/.test(name);

/** Output-channel axis of a kernel: the last axis, except depthwise kernels [kh, kw, in, mult] → 2. */
export function channelAxis(name: string, shape: readonly number[]): number {
  return /depthwise_kernel$/.test(name) && shape.length === 4 ? 2 : shape.length - 1;
}
