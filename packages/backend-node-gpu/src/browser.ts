// Browser entry (@prunekit/backend-node-gpu/browser): tfjs 'webgpu' on the page's navigator.gpu with
// prunekit's WGSL kernels. Nothing here reaches Dawn (npm `webgpu`), which only Node needs.
export { adapterName, isSoftwareAdapter } from './adapter_strategies.js';
export { browserWebgpuAdapter, useBrowserWebgpu } from './browser_adapter.js';
export { registerAllKernels, webgpuKernels } from './register_all_kernels.js';
