import { NonFiniteError, ShapeError } from '@prunekit/core';
import { SparseFormatError } from '../errors.js';

export function checkShape(label: string, shape: readonly number[]): [number, number] {
  if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${label}: shape must be [rows, cols] of non-negative integers, got [${shape}].`, {
      shape,
    });
  }
  return [shape[0], shape[1]];
}

export function checkFinite(label: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new NonFiniteError(
        `${label}: values[${i}] is ${values[i]}. Sparse weights must be finite; fix or re-prune the source weights.`,
        { index: i },
      );
    }
  }
}

/**
 * Checks a compressed-row structure: `rowPtr` of length rows+1 starting at 0, non-decreasing, ending
 * at the number of stored entries; column indices in range and strictly increasing per row.
 */
export function checkCompressedRows(
  label: string,
  rows: number,
  cols: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
): void {
  if (rowPtr.length !== rows + 1) {
    throw new ShapeError(`${label}: rowPtr has ${rowPtr.length} entries, expected rows + 1 = ${rows + 1}.`);
  }
  if (rowPtr[0] !== 0 || rowPtr[rows] !== colIdx.length) {
    throw new SparseFormatError(
      `${label}: rowPtr must start at 0 and end at the number of stored entries (${colIdx.length}), ` +
        `got ${rowPtr[0]} … ${rowPtr[rows]}.`,
    );
  }
  for (let r = 0; r < rows; r++) {
    const start = rowPtr[r];
    const end = rowPtr[r + 1];
    if (end < start) {
      throw new SparseFormatError(`${label}: rowPtr decreases at row ${r} (${start} → ${end}).`, { row: r });
    }
    for (let p = start; p < end; p++) {
      const c = colIdx[p];
      if (!Number.isInteger(c) || c < 0 || c >= cols) {
        throw new SparseFormatError(
          `${label}: column index ${c} at entry ${p} (row ${r}) is outside [0, ${cols}).`,
          {
            row: r,
            entry: p,
          },
        );
      }
      if (p > start && c <= colIdx[p - 1]) {
        throw new SparseFormatError(
          `${label}: column indices of row ${r} are not strictly increasing (${colIdx[p - 1]} then ${c}). ` +
            'Sort each row by column and merge duplicates.',
          { row: r, entry: p },
        );
      }
    }
  }
}
