import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { sparseConv2dCpuConfig } from './SparseConv2D.js';
import { sparseMatMulCpuConfig } from './SparseMatMul.js';

/** Registers the reference sparse kernels for 'cpu' (idempotent). */
export function registerCpuSparseKernels(): void {
  for (const config of [sparseMatMulCpuConfig, sparseConv2dCpuConfig]) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
}
