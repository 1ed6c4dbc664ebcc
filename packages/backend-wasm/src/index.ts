export { useBackend } from './use_backend.js';
export { sparseBuild, type SparseBuild } from './sparse/sparse_module.js';
export { registerAllKernels } from './register_all_kernels.js';
export * from './train/index.js';
export * from './infer/index.js';
export * from './threads/index.js';
