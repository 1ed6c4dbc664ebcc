import type { DescribedBackendAdapter } from '@prunekit/core';
import type { AdapterStrategy } from './adapter_strategies.js';
import { webgpuKernels } from './register_all_kernels.js';
import { currentAdapter, useBackend } from './use_backend.js';

/** A BackendAdapter for selectBackend(): WebGPU in Node through Dawn. */
export function nodeGpuAdapter(
  opts: { strategies?: readonly AdapterStrategy[] } = {},
): DescribedBackendAdapter {
  let why = '';
  return {
    name: 'webgpu',
    tfBackend: 'webgpu',
    kernels: webgpuKernels,
    async isSupported() {
      if (typeof process === 'undefined' || !process.versions?.node) {
        why = 'this adapter is for Node; in a browser use the webgpu adapter of @prunekit/backend-webgl';
        return false;
      }
      return true;
    },
    whyUnsupported: () => why,
    async init() {
      await useBackend(opts);
    },
    info() {
      const info = currentAdapter();
      return info ?? { name: 'unknown (useBackend has not run)' };
    },
  };
}
