export { webglAdapter } from './backend_adapter.js';
export { registerAllKernels, webglKernels } from './register_all_kernels.js';
export { type WebglInfo, useBackend, webglInfo } from './use_backend.js';
