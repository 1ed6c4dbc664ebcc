import type { SparseAttrs } from '../kernel_names.js';

/** Every stored entry as (row-sorted) CSR arrays, whatever the format: what reference kernels loop over. */
export interface ExpandedRows {
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

/** The stored entries of a CSR, BSR or N:M operand as CSR arrays (for reference kernels). */
export function expandRows(
  a: SparseAttrs,
  values: Float32Array,
  indices: Int32Array,
  rowPtr: Int32Array | undefined,
): ExpandedRows {
  if (a.format === 'csr') return { rowPtr: rowPtr as Int32Array, cols: indices, vals: values };
  const ptr = new Int32Array(a.rows + 1);
  const cols = new Int32Array(values.length);
  const vals = new Float32Array(values.length);
  let q = 0;
  if (a.format === 'bsr') {
    const r = a.blockRows;
    const c = a.blockCols;
    const bp = rowPtr as Int32Array;
    for (let row = 0; row < a.rows; row++) {
      const bi = Math.floor(row / r);
      const i = row % r;
      for (let p = bp[bi]; p < bp[bi + 1]; p++) {
        for (let j = 0; j < c; j++) {
          cols[q] = indices[p] * c + j;
          vals[q++] = values[(p * c + j) * r + i];
        }
      }
      ptr[row + 1] = q;
    }
  } else {
    const per = (a.cols / a.m) * a.n;
    for (let row = 0; row < a.rows; row++) {
      for (let k = 0; k < per; k++) {
        cols[q] = Math.floor(k / a.n) * a.m + indices[row * per + k];
        vals[q++] = values[row * per + k];
      }
      ptr[row + 1] = q;
    }
  }
  return { rowPtr: ptr, cols, vals };
}

export function activate(v: number, activation: string): number {
  if (activation === 'relu') return v > 0 ? v : 0;
  if (activation === 'relu6') return v > 0 ? (v < 6 ? v : 6) : 0;
  return v;
}
