import type { SparseConv2DAttrs } from '@prunekit/sparse';

/** NHWC output shape of a sparse conv (after its fused max-pool, if any); as the reference cpu kernel. */
export function convOutShape(a: SparseConv2DAttrs, xShape: readonly number[]): number[] {
  const [batch, inH, inW] = xShape;
  const effH = (a.filterHeight - 1) * a.dilations[0] + 1;
  const effW = (a.filterWidth - 1) * a.dilations[1] + 1;
  const outH = Math.max(Math.floor((inH + a.pad[0] + a.pad[1] - effH) / a.strides[0]) + 1, 0);
  const outW = Math.max(Math.floor((inW + a.pad[2] + a.pad[3] - effW) / a.strides[1]) + 1, 0);
  const [ph, pw] = a.pool ?? [1, 1];
  return [batch, Math.floor(outH / ph), Math.floor(outW / pw), a.rows];
}
