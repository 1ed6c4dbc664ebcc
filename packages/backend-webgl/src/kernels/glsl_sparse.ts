import type { FusedActivation, SparseAttrs } from '@prunekit/sparse';

/**
 * GLSL ES 3.00 pieces shared by the sparse programs. WebGL keeps every tensor in a float texture,
 * so int32 inputs (indices, rowPtr) arrive as floats and are rounded back to int; exact up to 2^24.
 * The loop body sees `v` (the stored value) and `col` (its column in S). Loops with bounds read from
 * a texture need WebGL2 (GLSL ES 1.00 allows only constant loop bounds).
 */
export function forEachEntryOfRow(a: SparseAttrs, row: string, body: string): string {
  if (a.format === 'csr') {
    return `
      int pEnd = int(getRowPtr(${row} + 1) + 0.5);
      for (int p = int(getRowPtr(${row}) + 0.5); p < pEnd; p++) {
        float v = getValues(p);
        int col = int(getIndices(p) + 0.5);
        ${body}
      }`;
  }
  if (a.format === 'bsr') {
    const r = a.blockRows;
    const c = a.blockCols;
    return `
      int bi = ${row} / ${r};
      int bRow = ${row} - bi * ${r};
      int pEnd = int(getRowPtr(bi + 1) + 0.5);
      for (int p = int(getRowPtr(bi) + 0.5); p < pEnd; p++) {
        int colBase = int(getIndices(p) + 0.5) * ${c};
        for (int bj = 0; bj < ${c}; bj++) {
          float v = getValues((p * ${c} + bj) * ${r} + bRow);
          int col = colBase + bj;
          ${body}
        }
      }`;
  }
  const per = (a.cols / a.m) * a.n;
  return `
      int rowBase = ${row} * ${per};
      for (int k = 0; k < ${per}; k++) {
        float v = getValues(rowBase + k);
        int col = (k / ${a.n}) * ${a.m} + int(getIndices(rowBase + k) + 0.5);
        ${body}
      }`;
}

export function glslActivation(activation: FusedActivation, x: string): string {
  if (activation === 'relu') return `max(${x}, 0.0)`;
  if (activation === 'relu6') return `clamp(${x}, 0.0, 6.0)`;
  return x;
}

/** The sparse operand's inputs in the order the programs declare them. */
export function operandNames(a: SparseAttrs): string[] {
  return ['values', 'indices', ...(a.format === 'nm' ? [] : ['rowPtr'])];
}
