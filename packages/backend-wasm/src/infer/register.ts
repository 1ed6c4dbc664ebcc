import { type KernelConfig, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { makeFusedBatchNormConfig } from './FusedBatchNorm.js';
import { makeSamePadConvConfig, samePadConvKernels } from './same_pad_conv.js';

const originals = new Map<string, KernelConfig>();
let configs: KernelConfig[] | null = null;

/** tfjs-wasm's own config of a kernel the inference set replaces, as it was before (for A/B runs). */
export function originalInferKernel(name: string): KernelConfig | undefined {
  inferKernelConfigs();
  return originals.get(name);
}

/** The inference kernels prunekit registers for 'wasm' (each wraps tfjs-wasm's original): a faster FusedBatchNorm, and the four convolutions made right where 'same' padding meets a stride larger than the kernel. */
export function inferKernelConfigs(): KernelConfig[] {
  if (configs != null) return configs;
  const original = (name: string) => {
    const config = getKernel(name, 'wasm');
    if (config != null) originals.set(name, config);
    return config;
  };
  configs = [
    makeFusedBatchNormConfig(original('FusedBatchNorm')),
    ...samePadConvKernels.map((k) => makeSamePadConvConfig(k.name, k.depthwise, original(k.name))),
  ];
  return configs;
}

let done = false;
/** Replaces tfjs-wasm's inference kernels that have a faster or a correct prunekit version (idempotent). */
export function registerInferKernels(): void {
  if (done) return;
  done = true;
  for (const config of inferKernelConfigs()) {
    if (getKernel(config.kernelName, 'wasm') != null) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
}
