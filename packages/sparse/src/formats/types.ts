/**
 * Sparse matrices hold a logical `[rows, cols]` matrix S. Kernels compute S · B, so for a layer the
 * rows are the output channels and the columns the reduction axis (see `fromKernel`).
 */

/** Compressed sparse rows: the nonzeros of row r are `values[rowPtr[r] .. rowPtr[r+1])`. */
export interface CsrMatrix {
  readonly format: 'csr';
  readonly shape: readonly [number, number];
  readonly rowPtr: Int32Array;
  /** Column of each nonzero, strictly increasing within a row. */
  readonly colIdx: Int32Array;
  readonly values: Float32Array;
}

/**
 * Block sparse rows with `r × c` blocks. `rowPtr` runs over block rows (rows / r), `colIdx` holds the
 * block column of each stored block, and each block's values are laid out column by column
 * (`c` groups of `r` values), so one loaded activation row is reused across `r` outputs.
 */
export interface BsrMatrix {
  readonly format: 'bsr';
  readonly shape: readonly [number, number];
  readonly blockShape: readonly [number, number];
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float32Array;
}

/**
 * N:M packed: every group of `m` consecutive columns of a row keeps exactly `n` entries (padded with
 * explicit zeros where a group holds fewer). `indices` is the position inside the group (0..m-1),
 * increasing within a group; values and indices are `[rows, cols / m * n]` row-major.
 */
export interface NmMatrix {
  readonly format: 'nm';
  readonly shape: readonly [number, number];
  readonly n: number;
  readonly m: number;
  readonly indices: Uint8Array;
  readonly values: Float32Array;
}

/** A validated sparse matrix in one of the supported formats: CSR, BSR or N:M. */
export type SparseMatrix = CsrMatrix | BsrMatrix | NmMatrix;
/** The format name of a sparse matrix: 'csr', 'bsr' or 'nm'. */
export type SparseFormatName = SparseMatrix['format'];

/** Number of stored values (explicit zeros included). */
export function storedCount(s: SparseMatrix): number {
  return s.values.length;
}

/** Fraction of the logical matrix that is not stored. */
export function storedSparsity(s: SparseMatrix): number {
  const total = s.shape[0] * s.shape[1];
  return total === 0 ? 0 : 1 - s.values.length / total;
}
