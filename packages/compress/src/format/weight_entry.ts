/** How one weight is stored in the body's blob (the JSON side; arrays live in the blob). */
export interface WeightEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  /** raw: little-endian 4-byte values; int8: symmetric int8 + scales; cluster: palette + codes. */
  readonly encoding: 'raw' | 'int8' | 'cluster';
  /** dense: a value per element; sparse: delta-coded indices of the nonzeros, then their values. */
  readonly layout?: 'dense' | 'sparse';
  /** Nonzero count (sparse layout). */
  readonly nnz?: number;
  /** int8: channel axis of the scales, null for per-tensor. */
  readonly axis?: number | null;
  /** cluster: number of centroids. */
  readonly k?: number;
  /** cluster: bits per packed code. */
  readonly bits?: number;
  /** Byte range of the weight's section in the blob. */
  readonly offset: number;
  readonly length: number;
}
