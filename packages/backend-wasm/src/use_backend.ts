import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths as setTfjsWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BackendError, type DescribedBackendAdapter, activate } from '@prunekit/core';
import { type WasmPaths, loadKernelFiles, setKernelPaths } from './kernel_files.js';
import { allKernelConfigs, registerAllKernels } from './register_all_kernels.js';
import { sparseBuild } from './sparse/sparse_module.js';

/** Options of useBackend and wasmAdapter: where the kernel and tfjs .wasm files are served from. */
export interface UseBackendOptions {
  /** Where prunekit's kernel files are served from (browser); see setKernelPaths. */
  readonly kernelPaths?: WasmPaths;
  /**
   * Where tfjs-backend-wasm's own .wasm files are served from: passed to its `setWasmPaths`
   * (a folder URL ending in '/'). Needed in a bundle whose page is not beside those files.
   */
  readonly tfjsWasmPaths?: string;
}

/**
 * Activates tfjs's 'wasm' backend (SIMD) and registers prunekit's kernels for it: the sparse
 * kernels and the training kernels tfjs-backend-wasm lacks. Fetches the kernel files first (by URL
 * in a browser, see setKernelPaths). Throws a BackendError instead of silently running on another
 * backend.
 */
export async function useBackend(opts: UseBackendOptions = {}): Promise<void> {
  if (opts.kernelPaths !== undefined) setKernelPaths(opts.kernelPaths);
  if (opts.tfjsWasmPaths !== undefined) setTfjsWasmPaths(opts.tfjsWasmPaths);
  await loadKernelFiles();
  registerAllKernels();
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new BackendError(
      `The 'wasm' backend did not start (active backend: '${tf.getBackend()}'). ` +
        `Check that @tensorflow/tfjs-backend-wasm can find its .wasm files (useBackend({ tfjsWasmPaths })), or use the 'cpu' backend.`,
    );
  }
}

/**
 * The 'wasm' backend with prunekit's kernels as a selectBackend adapter:
 * `selectBackend({ prefer: ['webgl', 'wasm', 'cpu'], adapters: [webglAdapter(), wasmAdapter()] })`.
 */
export function wasmAdapter(opts: UseBackendOptions = {}): DescribedBackendAdapter {
  return {
    name: 'wasm',
    tfBackend: 'wasm',
    get kernels() {
      return allKernelConfigs();
    },
    async isSupported() {
      return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
    },
    whyUnsupported() {
      return 'this engine has no WebAssembly';
    },
    async init() {
      await useBackend(opts);
      await activate('wasm');
    },
    info() {
      return { name: `tfjs wasm (SIMD) + prunekit kernels (${sparseBuild()})`, kernels: sparseBuild() };
    },
  };
}
