import { ShapeError } from '@prunekit/core';
import { SparseFormatError } from '../errors.js';
import type { NmMatrix } from './types.js';
import { checkFinite, checkShape } from './validate_common.js';

function checkNm(label: string, cols: number, n: number, m: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 1 || n > m || m > 255) {
    throw new SparseFormatError(`${label}: N:M needs integers 1 <= n <= m <= 255, got ${n}:${m}.`);
  }
  if (cols % m !== 0) {
    throw new ShapeError(
      `${label}: ${cols} columns do not divide into groups of ${m}; use CSR for this layer.`,
    );
  }
}

/** The arrays of an N:M matrix (n kept of every m columns per row), as createNm takes them. */
export interface NmParts {
  shape: readonly number[];
  n: number;
  m: number;
  indices: ArrayLike<number>;
  values: Float32Array | readonly number[];
}

/** Builds an N:M packed matrix from its arrays, validating once. */
export function createNm(parts: NmParts, label = 'N:M matrix'): NmMatrix {
  const [rows, cols] = checkShape(label, parts.shape);
  const { n, m } = parts;
  checkNm(label, cols, n, m);
  const expected = (rows * cols * n) / m;
  if (parts.values.length !== expected || parts.indices.length !== expected) {
    throw new ShapeError(
      `${label}: expected ${expected} values and indices for [${rows}, ${cols}] at ${n}:${m}, ` +
        `got ${parts.values.length} values and ${parts.indices.length} indices.`,
    );
  }
  for (let i = 0; i < parts.indices.length; i++) {
    const v = parts.indices[i];
    if (!Number.isInteger(v) || v < 0 || v >= m) {
      throw new SparseFormatError(`${label}: index ${v} at entry ${i} is outside [0, ${m}).`, { entry: i });
    }
    if (i % n !== 0 && v <= parts.indices[i - 1]) {
      throw new SparseFormatError(
        `${label}: indices of group ${Math.floor(i / n)} are not strictly increasing.`,
        {
          entry: i,
        },
      );
    }
  }
  const values = Float32Array.from(parts.values);
  checkFinite(label, values);
  return { format: 'nm', shape: [rows, cols], n, m, indices: Uint8Array.from(parts.indices), values };
}

/**
 * N:M from a dense row-major matrix whose kept entries (mask 1, or nonzero without a mask) number at
 * most `n` in every group of `m` columns. Throws if a group holds more: prune with an N:M pruner first.
 */
export function nmFromDense(
  dense: Float32Array,
  shape: readonly number[],
  n: number,
  m: number,
  keep?: Uint8Array,
  label = 'N:M matrix',
): NmMatrix {
  const [rows, cols] = checkShape(label, shape);
  checkNm(label, cols, n, m);
  if (dense.length !== rows * cols || (keep && keep.length !== dense.length)) {
    throw new ShapeError(`${label}: ${dense.length} values do not fit [${rows}, ${cols}].`);
  }
  checkFinite(label, dense);
  const groups = cols / m;
  const values = new Float32Array(rows * groups * n);
  const indices = new Uint8Array(rows * groups * n);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const out = (r * groups + g) * n;
      let k = 0;
      for (let j = 0; j < m; j++) {
        const i = r * cols + g * m + j;
        if (!(keep ? keep[i] : dense[i] !== 0)) continue;
        if (k === n) {
          throw new SparseFormatError(
            `${label}: row ${r}, columns ${g * m}..${g * m + m - 1} keep more than ${n} of ${m} entries. ` +
              `Prune to ${n}:${m} first (e.g. an N:M pruner).`,
            { row: r, group: g },
          );
        }
        values[out + k] = dense[i];
        indices[out + k++] = j;
      }
      // Pad short groups with explicit zeros at the unused positions, keeping indices increasing.
      for (let j = 0; k < n; j++) {
        let used = false;
        for (let q = 0; q < k; q++) if (indices[out + q] === j) used = true;
        if (used) continue;
        let q = k++;
        while (q > 0 && indices[out + q - 1] > j) {
          indices[out + q] = indices[out + q - 1];
          values[out + q] = values[out + q - 1];
          q--;
        }
        indices[out + q] = j;
        values[out + q] = 0;
      }
    }
  }
  return { format: 'nm', shape: [rows, cols], n, m, indices, values };
}
