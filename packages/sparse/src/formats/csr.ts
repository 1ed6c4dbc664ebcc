import { ShapeError } from '@prunekit/core';
import type { CsrMatrix } from './types.js';
import { checkCompressedRows, checkFinite, checkShape } from './validate_common.js';

/** The arrays of a CSR matrix, as createCsr takes them. */
export interface CsrParts {
  shape: readonly number[];
  rowPtr: Int32Array | readonly number[];
  colIdx: Int32Array | readonly number[];
  values: Float32Array | readonly number[];
}

/** Builds a CSR matrix from its arrays, validating the structure and values once. */
export function createCsr(parts: CsrParts, label = 'CSR matrix'): CsrMatrix {
  const [rows, cols] = checkShape(label, parts.shape);
  const rowPtr = Int32Array.from(parts.rowPtr);
  const colIdx = Int32Array.from(parts.colIdx);
  const values = Float32Array.from(parts.values);
  if (values.length !== colIdx.length) {
    throw new ShapeError(`${label}: ${values.length} values but ${colIdx.length} column indices.`);
  }
  checkCompressedRows(label, rows, cols, rowPtr, colIdx);
  checkFinite(label, values);
  return { format: 'csr', shape: [rows, cols], rowPtr, colIdx, values };
}

/**
 * CSR from a dense row-major `[rows, cols]` matrix. Entries are stored where `keep` is 1 (a mask) or,
 * without a mask, where the value is nonzero.
 */
export function csrFromDense(
  dense: Float32Array,
  shape: readonly number[],
  keep?: Uint8Array,
  label = 'CSR matrix',
): CsrMatrix {
  const [rows, cols] = checkShape(label, shape);
  if (dense.length !== rows * cols || (keep && keep.length !== dense.length)) {
    throw new ShapeError(
      `${label}: ${dense.length} values (mask ${keep?.length ?? '-'}) do not fit [${rows}, ${cols}].`,
    );
  }
  checkFinite(label, dense);
  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < dense.length; i++) if (keep ? keep[i] : dense[i] !== 0) nnz++;
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (keep ? keep[i] : dense[i] !== 0) {
        colIdx[p] = c;
        values[p++] = keep && !keep[i] ? 0 : dense[i];
      }
    }
    rowPtr[r + 1] = p;
  }
  return { format: 'csr', shape: [rows, cols], rowPtr, colIdx, values };
}
