import { kernelBytes } from '../kernel_files.js';
import { sparseBuild } from '../sparse/sparse_module.js';

let compiled: WebAssembly.Module | undefined;

/**
 * The compiled sparse kernel module, the same build (relaxed SIMD or plain SIMD128) the main
 * thread runs: WebAssembly.Modules pass to workers without being compiled again.
 */
export function sparseKernelModule(): WebAssembly.Module {
  if (!compiled) {
    const file = sparseBuild() === 'relaxed-simd' ? 'sparse-relaxed.wasm' : 'sparse.wasm';
    compiled = new WebAssembly.Module(kernelBytes(file));
  }
  return compiled;
}
