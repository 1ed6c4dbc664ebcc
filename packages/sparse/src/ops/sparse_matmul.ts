import { InvalidArgumentError, ShapeError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { SparseTensors } from '../formats/sparse_tensors.js';
import {
  FUSED_ACTIVATIONS,
  type FusedActivation,
  SparseMatMul,
  type SparseMatMulAttrs,
} from '../kernel_names.js';
import { operandInputs } from './operand_inputs.js';

/** Options of sparseMatMul: the layout of x, a per-row bias and a fused activation. */
export interface SparseMatMulOptions {
  /** 'kn': x is `[cols, N]`, result `[rows, N]` (S·x). 'nk': x is `[N, cols]`, result `[N, rows]` (x·Sᵀ). */
  xLayout?: 'kn' | 'nk';
  /** Per-row bias, shape `[rows]`. */
  bias?: tf.Tensor1D;
  activation?: FusedActivation;
}

/** Sparse × dense product with optional fused bias and activation, on the active backend. */
export function sparseMatMul(s: SparseTensors, x: tf.Tensor2D, opts: SparseMatMulOptions = {}): tf.Tensor2D {
  const xLayout = opts.xLayout ?? 'kn';
  const activation = opts.activation ?? 'linear';
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new InvalidArgumentError(
      `sparseMatMul: activation must be one of ${FUSED_ACTIVATIONS.join(', ')}, got '${activation}'.`,
    );
  }
  if (x.rank !== 2 || x.shape[xLayout === 'kn' ? 0 : 1] !== s.attrs.cols) {
    throw new ShapeError(
      `sparseMatMul: x of shape [${x.shape}] does not fit a sparse operand of [${s.attrs.rows}, ${s.attrs.cols}] ` +
        `with xLayout '${xLayout}' (${xLayout === 'kn' ? 'x[0]' : 'x[1]'} must be ${s.attrs.cols}).`,
    );
  }
  if (x.dtype !== 'float32')
    throw new InvalidArgumentError(`sparseMatMul: x must be float32, got ${x.dtype}.`);
  const a = s.attrs;
  const attrs: SparseMatMulAttrs = {
    format: a.format,
    rows: a.rows,
    cols: a.cols,
    blockRows: a.blockRows,
    blockCols: a.blockCols,
    n: a.n,
    m: a.m,
    xLayout,
    activation,
  };
  const inputs = operandInputs(s, opts.bias, 'sparseMatMul');
  inputs.x = x;
  return tf
    .engine()
    .runKernel(
      SparseMatMul,
      inputs as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor2D;
}
