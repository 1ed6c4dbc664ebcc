import type { KernelConfig } from '@tensorflow/tfjs-core';
import { inferKernelConfigs, registerInferKernels } from './infer/register.js';
import { sparseConv2dWasmConfig } from './sparse/SparseConv2D.js';
import { sparseMatMulWasmConfig } from './sparse/SparseMatMul.js';
import { registerSparseKernels } from './sparse/register.js';
import { registerTrainKernels, trainKernelConfigs } from './train/register.js';

let done = false;
/** Registers every prunekit kernel for 'wasm' (idempotent). */
export function registerAllKernels(): void {
  if (done) return;
  done = true;
  registerTrainKernels();
  registerSparseKernels();
  registerInferKernels();
}

/** Every kernel config prunekit registers for 'wasm' (sparse, training, inference). */
export function allKernelConfigs(): KernelConfig[] {
  return [sparseMatMulWasmConfig, sparseConv2dWasmConfig, ...trainKernelConfigs(), ...inferKernelConfigs()];
}
