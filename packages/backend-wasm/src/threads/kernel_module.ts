import { readFileSync } from 'node:fs';
import { BackendError } from '@prunekit/core';
import { sparseBuild } from '../sparse/sparse_module.js';

let compiled: WebAssembly.Module | undefined;

/**
 * The compiled sparse kernel module, the same build (relaxed SIMD or plain SIMD128) the main
 * thread runs: WebAssembly.Modules pass to workers without being compiled again.
 */
export function sparseKernelModule(): WebAssembly.Module {
  if (!compiled) {
    const file = sparseBuild() === 'relaxed-simd' ? 'sparse-relaxed.wasm' : 'sparse.wasm';
    const url = new URL(`../../build/${file}`, import.meta.url);
    try {
      compiled = new WebAssembly.Module(readFileSync(url));
    } catch (e) {
      throw new BackendError(
        `Cannot load ${url.pathname} for the kernel threads: build @prunekit/backend-wasm first ` +
          '(pnpm --filter @prunekit/backend-wasm build).',
        { cause: String(e) },
      );
    }
  }
  return compiled;
}
