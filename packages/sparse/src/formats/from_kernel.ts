import { matrixView, ShapeError } from '@prunekit/core';
import { bsrFromDense } from './bsr.js';
import { csrFromDense } from './csr.js';
import { nmFromDense } from './nm.js';
import type { SparseMatrix } from './types.js';

/** Which sparse format to build, as a value. */
export type FormatSpec =
  | { format: 'csr' }
  | { format: 'bsr'; blockShape: readonly [number, number] }
  | { format: 'nm'; n: number; m: number };

/** Builds the requested format from a dense row-major `[rows, cols]` matrix (and optional keep-mask). */
export function sparseFromDense(
  dense: Float32Array,
  shape: readonly number[],
  spec: FormatSpec,
  keep?: Uint8Array,
  label?: string,
): SparseMatrix {
  if (spec.format === 'csr') return csrFromDense(dense, shape, keep, label);
  if (spec.format === 'bsr') return bsrFromDense(dense, shape, spec.blockShape, keep, label);
  return nmFromDense(dense, shape, spec.n, spec.m, keep, label);
}

/**
 * Transposes a layer kernel into the `[out, rest]` row-major matrix sparse kernels use: row =
 * output channel (`outAxis`, as the layer's spec states it; default the last axis, e.g. Dense
 * `[in, out]`, Conv2D `[kh, kw, cin, out]`), column = flattened position over the other axes (for
 * conv: (ky·kw + kx)·cin + ci). See `matrixView` in @prunekit/core.
 */
export function kernelToRows(
  kernel: Float32Array | Uint8Array,
  shape: readonly number[],
  outAxis: number = shape.length - 1,
): Float32Array {
  if (shape.length < 2) throw new ShapeError(`A layer kernel needs at least 2 axes, got [${shape}].`);
  const view = matrixView(shape, outAxis, 'kernel');
  if (view.out * view.inner !== kernel.length)
    throw new ShapeError(`Kernel of ${kernel.length} values does not fit [${shape}].`);
  const rows = new Float32Array(kernel.length);
  for (let o = 0; o < view.out; o++) {
    for (let i = 0; i < view.inner; i++) rows[o * view.inner + i] = kernel[view.index(o, i)];
  }
  return rows;
}

/** Sparse matrix for a layer kernel, optionally masked; see `kernelToRows`. */
export function fromKernel(
  kernel: Float32Array,
  shape: readonly number[],
  spec: FormatSpec,
  mask?: Uint8Array,
  label?: string,
  outAxis: number = shape.length - 1,
): SparseMatrix {
  const out = shape[outAxis];
  const rows = kernelToRows(kernel, shape, outAxis);
  const keep = mask ? Uint8Array.from(kernelToRows(mask, shape, outAxis)) : undefined;
  return sparseFromDense(rows, [out, kernel.length / out], spec, keep, label);
}
