import * as tf from '@tensorflow/tfjs-core';
import type { SparseAttrs } from '../kernel_names.js';
import { createBsr } from './bsr.js';
import { createCsr } from './csr.js';
import { createNm } from './nm.js';
import type { SparseMatrix } from './types.js';

/**
 * A validated sparse matrix uploaded as tensors on the active backend, ready for the kernels.
 * Build it once (construction validates), run it many times, dispose it when done.
 */
export interface SparseTensors {
  readonly attrs: SparseAttrs;
  readonly values: tf.Tensor1D;
  readonly indices: tf.Tensor1D;
  readonly rowPtr?: tf.Tensor1D;
  dispose(): void;
}

/** The kernel attributes (format, shape, block and N:M sizes) of a sparse matrix. */
export function sparseAttrsOf(s: SparseMatrix): SparseAttrs {
  return {
    format: s.format,
    rows: s.shape[0],
    cols: s.shape[1],
    blockRows: s.format === 'bsr' ? s.blockShape[0] : 0,
    blockCols: s.format === 'bsr' ? s.blockShape[1] : 0,
    n: s.format === 'nm' ? s.n : 0,
    m: s.format === 'nm' ? s.m : 0,
  };
}

/** Uploads a (validated) sparse matrix as tensors. */
export function toSparseTensors(s: SparseMatrix): SparseTensors {
  const values = tf.tensor1d(s.values, 'float32');
  const indices = tf.tensor1d(s.format === 'nm' ? Int32Array.from(s.indices) : s.colIdx, 'int32');
  const rowPtr = s.format === 'nm' ? undefined : tf.tensor1d(s.rowPtr, 'int32');
  return {
    attrs: sparseAttrsOf(s),
    values,
    indices,
    rowPtr,
    dispose() {
      values.dispose();
      indices.dispose();
      rowPtr?.dispose();
    },
  };
}

/** Rebuilds (and validates) a sparse matrix from its attributes and array parts, e.g. after loading. */
export function sparseFromParts(
  attrs: SparseAttrs,
  values: Float32Array,
  indices: Int32Array,
  rowPtr: Int32Array | undefined,
  label?: string,
): SparseMatrix {
  const shape = [attrs.rows, attrs.cols];
  if (attrs.format === 'csr')
    return createCsr({ shape, rowPtr: rowPtr ?? [], colIdx: indices, values }, label);
  if (attrs.format === 'bsr') {
    return createBsr(
      {
        shape,
        blockShape: [attrs.blockRows, attrs.blockCols],
        rowPtr: rowPtr ?? [],
        colIdx: indices,
        values,
      },
      label,
    );
  }
  return createNm({ shape, n: attrs.n, m: attrs.m, indices, values }, label);
}
