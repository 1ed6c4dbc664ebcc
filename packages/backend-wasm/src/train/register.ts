import { type KernelConfig, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { makeConv2DBackpropInputConfig, originalConv2DBackpropInput } from './Conv2DBackpropInput.js';

/** The training kernels prunekit adds to 'wasm' (computed once: the replaced originals are kept). */
let configs: KernelConfig[] | null = null;

/** Every training kernel config prunekit registers for 'wasm'. */
export function trainKernelConfigs(): KernelConfig[] {
  if (configs == null) {
    configs = [conv2DBackpropFilterConfig, makeConv2DBackpropInputConfig(originalConv2DBackpropInput())];
  }
  return configs;
}

/**
 * Registers the training (gradient) kernels tfjs-backend-wasm lacks, and replaces its slow
 * Conv2DBackpropInput. Idempotent. Call before tf.setBackend('wasm') (useBackend() does) so the
 * kernels' setup runs when the backend starts.
 */
export function registerTrainKernels(): void {
  for (const config of trainKernelConfigs()) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current != null) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
}
