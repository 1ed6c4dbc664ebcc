export { useBackend } from './use_backend.js';
export { registerAllKernels } from './register_all_kernels.js';
export * from './train/index.js';
export * from './infer/index.js';
