import { ShapeError } from '@prunekit/core';
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
 * Transposes a layer kernel whose last axis is the output channels (Dense `[in, out]`, Conv2D
 * `[kh, kw, cin, out]`) into the `[out, rest]` row-major matrix sparse kernels use: row = output
 * channel, column = flattened position over the other axes (for conv: (ky·kw + kx)·cin + ci).
 */
export function kernelToRows(kernel: Float32Array | Uint8Array, shape: readonly number[]): Float32Array {
  if (shape.length < 2) throw new ShapeError(`A layer kernel needs at least 2 axes, got [${shape}].`);
  const out = shape[shape.length - 1];
  const rest = kernel.length / out;
  if (!Number.isInteger(rest))
    throw new ShapeError(`Kernel of ${kernel.length} values does not fit [${shape}].`);
  const rows = new Float32Array(kernel.length);
  for (let i = 0; i < rest; i++) for (let o = 0; o < out; o++) rows[o * rest + i] = kernel[i * out + o];
  return rows;
}

/** Sparse matrix for a layer kernel (`[..., out]`), optionally masked; see `kernelToRows`. */
export function fromKernel(
  kernel: Float32Array,
  shape: readonly number[],
  spec: FormatSpec,
  mask?: Uint8Array,
  label?: string,
): SparseMatrix {
  const out = shape[shape.length - 1];
  const rows = kernelToRows(kernel, shape);
  const keep = mask ? Uint8Array.from(kernelToRows(mask, shape)) : undefined;
  return sparseFromDense(rows, [out, kernel.length / out], spec, keep, label);
}
