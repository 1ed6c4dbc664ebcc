import type { SparseMatrix } from './types.js';

/** Expands a sparse matrix into a dense row-major Float32Array of its logical shape. */
export function toDense(s: SparseMatrix): Float32Array {
  const [rows, cols] = s.shape;
  const out = new Float32Array(rows * cols);
  if (s.format === 'csr') {
    for (let r = 0; r < rows; r++) {
      for (let p = s.rowPtr[r]; p < s.rowPtr[r + 1]; p++) out[r * cols + s.colIdx[p]] = s.values[p];
    }
  } else if (s.format === 'bsr') {
    const [br, bc] = s.blockShape;
    for (let bi = 0; bi < rows / br; bi++) {
      for (let p = s.rowPtr[bi]; p < s.rowPtr[bi + 1]; p++) {
        for (let j = 0; j < bc; j++) {
          for (let i = 0; i < br; i++) {
            out[(bi * br + i) * cols + s.colIdx[p] * bc + j] = s.values[(p * bc + j) * br + i];
          }
        }
      }
    }
  } else {
    const per = (cols / s.m) * s.n;
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < per; q++) {
        const g = Math.floor(q / s.n);
        out[r * cols + g * s.m + s.indices[r * per + q]] = s.values[r * per + q];
      }
    }
  }
  return out;
}
