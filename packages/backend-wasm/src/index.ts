export { type UseBackendOptions, useBackend, wasmAdapter } from './use_backend.js';
export { type StartBackendName, startBackend } from './start_backend.js';
export {
  KERNEL_FILES,
  type KernelFile,
  kernelUrl,
  loadKernelFiles,
  setKernelPaths,
  type WasmPaths,
} from './kernel_files.js';
export { sparseBuild, type SparseBuild } from './sparse/sparse_module.js';
export { allKernelConfigs, registerAllKernels } from './register_all_kernels.js';
export * from './train/index.js';
export * from './infer/index.js';
