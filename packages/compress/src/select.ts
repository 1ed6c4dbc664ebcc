import type { ParamSpec } from '@prunekit/core';

/**
 * Which weights get compressed (int8 / clustered). `spec` is the weight's ParamSpec from its layer's
 * spec (role, channel axes), absent for weights of layers prunekit has no spec for.
 */
export type WeightSelector = (name: string, shape: readonly number[], spec?: ParamSpec) => boolean;

const KERNEL_ROLES = new Set(['kernel', 'depthwiseKernel', 'pointwiseKernel']);

/**
 * Default: the kernels of Dense / Conv / DepthwiseConv / SeparableConv layers (by role, rank ≥ 2).
 * Biases, BatchNormalization statistics and other small vectors stay float32: they are a tiny part
 * of the bytes and the most sensitive to rounding.
 */
export const kernelsOnly: WeightSelector = (_name, shape, spec) =>
  shape.length >= 2 && spec !== undefined && KERNEL_ROLES.has(spec.role);

/**
 * Axis of per-channel int8 scales: the channel axis the layer's spec states for the weight — its
 * output axis, else its input axis (a depthwise kernel [kh, kw, in, m] → 2) — and the last axis for
 * a weight no spec describes.
 */
export function channelAxis(shape: readonly number[], spec?: ParamSpec): number {
  return spec?.outAxis ?? spec?.inAxis ?? shape.length - 1;
}
