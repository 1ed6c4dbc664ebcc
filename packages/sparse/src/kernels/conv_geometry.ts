import type { SparseConv2DAttrs } from '../kernel_names.js';

/** Output size of a sparse conv from its attributes (same arithmetic as tf.conv2d with explicit pads). */
export function convOutSize(a: SparseConv2DAttrs, inH: number, inW: number): [number, number] {
  const effH = (a.filterHeight - 1) * a.dilations[0] + 1;
  const effW = (a.filterWidth - 1) * a.dilations[1] + 1;
  const outH = Math.floor((inH + a.pad[0] + a.pad[1] - effH) / a.strides[0]) + 1;
  const outW = Math.floor((inW + a.pad[2] + a.pad[3] - effW) / a.strides[1]) + 1;
  return [Math.max(outH, 0), Math.max(outW, 0)];
}

/** Output size after the fused max-pool ('valid', stride = window). */
export function pooledSize(a: SparseConv2DAttrs, outH: number, outW: number): [number, number] {
  return [Math.floor(outH / a.pool[0]), Math.floor(outW / a.pool[1])];
}
