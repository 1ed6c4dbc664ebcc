export { SparseFormatError } from './errors.js';
export type { BsrMatrix, CsrMatrix, NmMatrix, SparseFormatName, SparseMatrix } from './formats/types.js';
export { storedCount, storedSparsity } from './formats/types.js';
export { createCsr, csrFromDense, type CsrParts } from './formats/csr.js';
export { createBsr, bsrFromDense, type BsrParts } from './formats/bsr.js';
export { createNm, nmFromDense, type NmParts } from './formats/nm.js';
export { toDense } from './formats/to_dense.js';
export { fromKernel, kernelToRows, sparseFromDense, type FormatSpec } from './formats/from_kernel.js';
export {
  sparseAttrsOf,
  sparseFromParts,
  toSparseTensors,
  type SparseTensors,
} from './formats/sparse_tensors.js';
// Kernel names live in a namespace (kernelNames.SparseConv2D) because the layer classes carry the
// plain names (SparseConv2D is the layer).
/**
 * The kernel names of prunekit's sparse ops in tfjs's kernel registry (SparseMatMul, SparseConv2D),
 * their attribute types and the fused activations.
 */
export * as kernelNames from './kernel_names.js';
export {
  FUSED_ACTIVATIONS,
  type FusedActivation,
  type SparseAttrs,
  type SparseConv2DAttrs,
  type SparseConv2DInputs,
  type SparseMatMulAttrs,
  type SparseMatMulInputs,
  type SparseOperandInputs,
} from './kernel_names.js';
export { convOutSize, pooledSize } from './kernels/conv_geometry.js';
export { expandRows } from './kernels/expand_rows.js';
export { registerCpuSparseKernels } from './kernels/cpu/register_all_kernels.js';
export { sparseMatMul, type SparseMatMulOptions } from './ops/sparse_matmul.js';
export { sparseConv2d, type SparseConv2dOptions } from './ops/sparse_conv2d.js';
export { SparseDense, type SparseDenseArgs } from './layers/sparse_dense.js';
export { SparseConv2D, type SparseConv2DArgs } from './layers/sparse_conv2d_layer.js';
export type { SparseLayerOperand } from './layers/sparse_weights.js';
export { SPARSE_LAYER_ACTIVATIONS } from './layers/activation.js';
export { compileSparse, type CompiledModel } from './layers/compile_sparse.js';
export {
  sparsePlan,
  toSparseModel,
  type SparseLayerDecision,
  type ToSparseOptions,
} from './layers/to_sparse_model.js';
export {
  timeSparseLayers,
  type TimedSparseLayer,
  type TimeSparseOptions,
} from './layers/time_sparse_layers.js';
