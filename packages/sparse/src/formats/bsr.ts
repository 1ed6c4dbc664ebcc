import { ShapeError } from '@prunekit/core';
import { SparseFormatError } from '../errors.js';
import type { BsrMatrix } from './types.js';
import { checkCompressedRows, checkFinite, checkShape } from './validate_common.js';

function checkBlock(
  label: string,
  rows: number,
  cols: number,
  blockShape: readonly number[],
): [number, number] {
  const [r, c] = blockShape;
  if (blockShape.length !== 2 || !Number.isInteger(r) || !Number.isInteger(c) || r < 1 || c < 1) {
    throw new SparseFormatError(
      `${label}: blockShape must be [r, c] of positive integers, got [${blockShape}].`,
    );
  }
  if (rows % r !== 0 || cols % c !== 0) {
    throw new ShapeError(
      `${label}: a [${rows}, ${cols}] matrix does not divide into ${r}x${c} blocks. ` +
        'Pick a block shape that divides the output channels, or use CSR.',
      { rows, cols, blockShape },
    );
  }
  return [r, c];
}

/** The arrays of a block-sparse (BSR) matrix, as createBsr takes them. */
export interface BsrParts {
  shape: readonly number[];
  blockShape: readonly number[];
  rowPtr: Int32Array | readonly number[];
  colIdx: Int32Array | readonly number[];
  values: Float32Array | readonly number[];
}

/** Builds a BSR matrix from its arrays, validating structure and values once. */
export function createBsr(parts: BsrParts, label = 'BSR matrix'): BsrMatrix {
  const [rows, cols] = checkShape(label, parts.shape);
  const [r, c] = checkBlock(label, rows, cols, parts.blockShape);
  const rowPtr = Int32Array.from(parts.rowPtr);
  const colIdx = Int32Array.from(parts.colIdx);
  const values = Float32Array.from(parts.values);
  if (values.length !== colIdx.length * r * c) {
    throw new ShapeError(`${label}: ${values.length} values for ${colIdx.length} blocks of ${r}x${c}.`);
  }
  checkCompressedRows(label, rows / r, cols / c, rowPtr, colIdx);
  checkFinite(label, values);
  return { format: 'bsr', shape: [rows, cols], blockShape: [r, c], rowPtr, colIdx, values };
}

/**
 * BSR from a dense row-major matrix: a block is stored when any of its entries is kept (mask 1, or
 * nonzero without a mask); pruned entries inside a stored block become explicit zeros.
 */
export function bsrFromDense(
  dense: Float32Array,
  shape: readonly number[],
  blockShape: readonly number[],
  keep?: Uint8Array,
  label = 'BSR matrix',
): BsrMatrix {
  const [rows, cols] = checkShape(label, shape);
  const [r, c] = checkBlock(label, rows, cols, blockShape);
  if (dense.length !== rows * cols || (keep && keep.length !== dense.length)) {
    throw new ShapeError(`${label}: ${dense.length} values do not fit [${rows}, ${cols}].`);
  }
  checkFinite(label, dense);
  const kept = (i: number) => (keep ? keep[i] === 1 : dense[i] !== 0);
  const br = rows / r;
  const bc = cols / c;
  const rowPtr = new Int32Array(br + 1);
  const cols_: number[] = [];
  const vals: number[] = [];
  for (let bi = 0; bi < br; bi++) {
    for (let bj = 0; bj < bc; bj++) {
      let any = false;
      for (let i = 0; i < r && !any; i++)
        for (let j = 0; j < c && !any; j++) any = kept((bi * r + i) * cols + bj * c + j);
      if (!any) continue;
      cols_.push(bj);
      for (let j = 0; j < c; j++) {
        for (let i = 0; i < r; i++) {
          const idx = (bi * r + i) * cols + bj * c + j;
          vals.push(kept(idx) ? dense[idx] : 0);
        }
      }
    }
    rowPtr[bi + 1] = cols_.length;
  }
  return {
    format: 'bsr',
    shape: [rows, cols],
    blockShape: [r, c],
    rowPtr,
    colIdx: Int32Array.from(cols_),
    values: Float32Array.from(vals),
  };
}
