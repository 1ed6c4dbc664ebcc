import { type KernelConfig, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { sparseConv2dWebgpuConfig } from './kernels/SparseConv2D.js';
import { sparseMatMulWebgpuConfig } from './kernels/SparseMatMul.js';

/** prunekit's WGSL kernels for tfjs's 'webgpu' backend (browser WebGPU and Node through Dawn alike). */
export const webgpuKernels: readonly KernelConfig[] = [sparseMatMulWebgpuConfig, sparseConv2dWebgpuConfig];

/** Registers every prunekit kernel for 'webgpu' (idempotent). */
export function registerAllKernels(): void {
  for (const config of webgpuKernels) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
}
