import { type KernelConfig, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { sparseConv2dWebglConfig } from './kernels/SparseConv2D.js';
import { sparseMatMulWebglConfig } from './kernels/SparseMatMul.js';

/** prunekit's WebGL2 programs for tfjs's 'webgl' backend. */
export const webglKernels: readonly KernelConfig[] = [sparseMatMulWebglConfig, sparseConv2dWebglConfig];

/** Registers every prunekit kernel for 'webgl' (idempotent). */
export function registerAllKernels(): void {
  for (const config of webglKernels) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
}
