import { type KernelConfig, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { makeBatchMatMulConfig } from './BatchMatMul.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { makeConv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';

/** Kernels tfjs-backend-wasm 4.22 does not have. */
export const addedTrainKernels: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
];

let configs: KernelConfig[] | null = null;

/**
 * Every training kernel config prunekit registers for 'wasm': the added ones plus replacements
 * for tfjs-wasm kernels that are correct but slow in training (Conv2DBackpropInput, MaxPoolGrad,
 * BatchMatMul with a transpose flag). Replacements wrap the original, which is looked up once.
 */
export function trainKernelConfigs(): KernelConfig[] {
  if (configs != null) return configs;
  const original = (name: string) => getKernel(name, 'wasm');
  const replaced: KernelConfig[] = [makeConv2DBackpropInputConfig(original('Conv2DBackpropInput')), maxPoolGradConfig];
  const matMul = original('BatchMatMul');
  if (matMul != null) replaced.push(makeBatchMatMulConfig(matMul));
  configs = [...addedTrainKernels, ...replaced];
  return configs;
}

/**
 * Registers the training (gradient) kernels tfjs-backend-wasm lacks and the faster replacements.
 * Idempotent. Call before tf.setBackend('wasm') (useBackend() does) so setup functions run when
 * the backend starts.
 */
export function registerTrainKernels(): void {
  for (const config of trainKernelConfigs()) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current != null) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
}
