import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** Kernel names, in tfjs's registry, for prunekit's sparse ops. */
export const SparseMatMul = 'PrunekitSparseMatMul';
export const SparseConv2D = 'PrunekitSparseConv2D';

/** Activations fused into the sparse kernels (applied after bias). */
export type FusedActivation = 'linear' | 'relu' | 'relu6';
/** Every FusedActivation. */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6'];

/**
 * Attributes describing the sparse operand S `[rows, cols]`. `blockRows/blockCols` are set for BSR,
 * `n/m` for N:M (0 otherwise).
 */
export interface SparseAttrs {
  format: 'csr' | 'bsr' | 'nm';
  rows: number;
  cols: number;
  blockRows: number;
  blockCols: number;
  n: number;
  m: number;
}

/**
 * Tensors of the sparse operand: `values` float32; `indices` int32 (CSR column, BSR block column,
 * N:M position inside the group); `rowPtr` int32 for CSR (rows+1) and BSR (rows/r + 1), absent for N:M.
 */
export interface SparseOperandInputs extends NamedTensorInfoMap {
  values: TensorInfo;
  indices: TensorInfo;
  rowPtr?: TensorInfo;
  bias?: TensorInfo;
}

/**
 * `x` layout 'kn' (`[cols, N]`): out = act(S·x + bias) of shape `[rows, N]`.
 * `x` layout 'nk' (`[N, cols]`, a Dense layer's input): out = act(x·Sᵀ + bias) of shape `[N, rows]`.
 */
export interface SparseMatMulInputs extends SparseOperandInputs {
  x: TensorInfo;
}
/** Attributes of the SparseMatMul kernel: the sparse operand, the layout of x and the fused activation. */
export interface SparseMatMulAttrs extends SparseAttrs {
  xLayout: 'kn' | 'nk';
  activation: FusedActivation;
}

/**
 * NHWC conv with a sparse filter: S rows are output channels, columns (ky·kw + kx)·inChannels + ci.
 * `pad` is explicit [top, bottom, left, right].
 */
export interface SparseConv2DInputs extends SparseOperandInputs {
  x: TensorInfo;
}
/**
 * Attributes of the SparseConv2D kernel: the sparse filter, filter size, strides, dilations, explicit
 * padding and fused activation.
 */
export interface SparseConv2DAttrs extends SparseAttrs {
  filterHeight: number;
  filterWidth: number;
  inChannels: number;
  strides: [number, number];
  dilations: [number, number];
  pad: [number, number, number, number];
  activation: FusedActivation;
  /** Max-pool window applied after the activation ('valid', stride = window); [1, 1] for none. */
  pool: [number, number];
}
