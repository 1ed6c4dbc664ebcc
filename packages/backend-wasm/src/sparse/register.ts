import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { sparseConv2dWasmConfig } from './SparseConv2D.js';
import { sparseMatMulWasmConfig } from './SparseMatMul.js';

/** Registers the sparse kernels for 'wasm' (idempotent). */
export function registerSparseKernels(): void {
  for (const config of [sparseMatMulWasmConfig, sparseConv2dWasmConfig]) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
}
