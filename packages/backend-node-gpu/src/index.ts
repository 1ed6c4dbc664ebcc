export {
  type AdapterStrategy,
  adapterName,
  defaultStrategies,
  hardware,
  hardwareOpengles,
  isSoftwareAdapter,
  opengles,
  swiftshader,
} from './adapter_strategies.js';
export { nodeGpuAdapter } from './backend_adapter.js';
export { browserWebgpuAdapter, useBrowserWebgpu } from './browser_adapter.js';
export { registerAllKernels, webgpuKernels } from './register_all_kernels.js';
export { type NodeGpuInfo, type UseBackendOptions, currentAdapter, useBackend } from './use_backend.js';
