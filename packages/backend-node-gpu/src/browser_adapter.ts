import { type AdapterInfo, BackendError, type DescribedBackendAdapter, activate } from '@prunekit/core';
import { adapterName, isSoftwareAdapter } from './adapter_strategies.js';
import { registerAllKernels, webgpuKernels } from './register_all_kernels.js';

/**
 * Starts tfjs 'webgpu' in a browser (navigator.gpu provided by the page) with prunekit's WGSL
 * kernels: the same WGSL as in Node. Throws a BackendError when the page has no WebGPU adapter.
 */
export async function useBrowserWebgpu(): Promise<AdapterInfo> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (!adapter) {
    throw new BackendError(
      `${gpu ? 'navigator.gpu gave no adapter' : 'navigator.gpu is missing'}: this browser has no usable WebGPU. ` +
        "Use the 'webgl' backend (@prunekit/backend-webgl) or 'wasm' instead.",
      { missing: gpu ? 'WebGPU adapter' : 'navigator.gpu' },
    );
  }
  // The tfjs backend registers itself on import only when navigator.gpu exists, so load it now.
  await import('@tensorflow/tfjs-backend-webgpu');
  registerAllKernels();
  await activate('webgpu');
  return { name: adapterName(adapter.info), software: isSoftwareAdapter(adapter.info) };
}

/** A BackendAdapter for selectBackend() in a browser page. */
export function browserWebgpuAdapter(): DescribedBackendAdapter {
  let info: AdapterInfo = { name: 'unknown (not started)' };
  return {
    name: 'webgpu',
    tfBackend: 'webgpu',
    kernels: webgpuKernels,
    async isSupported() {
      return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu != null;
    },
    whyUnsupported: () => "navigator.gpu is missing; use 'webgl' or 'wasm' instead",
    async init() {
      info = await useBrowserWebgpu();
    },
    info: () => info,
  };
}
