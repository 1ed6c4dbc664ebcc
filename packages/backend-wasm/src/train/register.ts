import {
  type KernelConfig,
  Relu,
  getGradient,
  getKernel,
  registerGradient,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { makeAddConfig } from './Add.js';
import { makeBatchMatMulConfig } from './BatchMatMul.js';
import { type Conv2DBackpropFilterStrategy, makeConv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { makeConv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';
import { reluGradConfig, reluGradKernelConfig } from './ReluGrad.js';
import { makeCastConfig, makeIdentityConfig } from './Identity.js';
import { makeSumConfig } from './Sum.js';
import { unsortedSegmentSumConfig } from './UnsortedSegmentSum.js';

/** Choices a caller can make when registering; defaults are the measured-faster options. */
export interface TrainKernelOptions {
  /** How Conv2DBackpropFilter is computed (default 'assemblyscript'). */
  conv2DBackpropFilter?: Conv2DBackpropFilterStrategy;
}

/** Kernels tfjs-backend-wasm 4.22 does not have (and PrunekitReluGrad, prunekit's own). */
export function addedTrainKernels(options: TrainKernelOptions = {}): KernelConfig[] {
  return [
    makeConv2DBackpropFilterConfig(options.conv2DBackpropFilter),
    depthwiseConv2dNativeBackpropFilterConfig,
    depthwiseConv2dNativeBackpropInputConfig,
    unsortedSegmentSumConfig,
    reluGradKernelConfig,
  ];
}

let replacedConfigs: KernelConfig[] | null = null;
const originals = new Map<string, KernelConfig>();

/**
 * tfjs-wasm's own config for a kernel prunekit replaces (Conv2DBackpropInput, MaxPoolGrad,
 * BatchMatMul, Sum, Identity, Cast, Add), as it was before registration; undefined for others. For
 * side-by-side benchmarks.
 */
export function originalWasmKernel(name: string): KernelConfig | undefined {
  replacedKernels();
  return originals.get(name);
}

/**
 * Every training kernel config prunekit registers for 'wasm': the added ones plus replacements
 * for tfjs-wasm kernels that are correct but slow in training (Conv2DBackpropInput, MaxPoolGrad,
 * BatchMatMul with a transpose flag, Sum over leading axes, the bias Add, and Identity /
 * same-dtype Cast, which copied). Replacements wrap the original, which is looked up once.
 */
export function trainKernelConfigs(options: TrainKernelOptions = {}): KernelConfig[] {
  return [...addedTrainKernels(options), ...replacedKernels()];
}

function replacedKernels(): KernelConfig[] {
  if (replacedConfigs != null) return replacedConfigs;
  const original = (name: string) => {
    const config = getKernel(name, 'wasm');
    if (config != null) originals.set(name, config);
    return config;
  };
  // A replacement carries the original's setup so the original stays callable (fallbacks, benchmarks).
  const maxPool = { ...maxPoolGradConfig, setupFunc: original('MaxPoolGrad')?.setupFunc };
  const replaced: KernelConfig[] = [makeConv2DBackpropInputConfig(original('Conv2DBackpropInput')), maxPool];
  const matMul = original('BatchMatMul');
  if (matMul != null) replaced.push(makeBatchMatMulConfig(matMul));
  const sum = original('Sum');
  if (sum != null) replaced.push(makeSumConfig(sum));
  const identity = original('Identity');
  if (identity != null) replaced.push(makeIdentityConfig(identity));
  const cast = original('Cast');
  if (cast != null) replaced.push(makeCastConfig(cast));
  const add = original('Add');
  if (add != null) replaced.push(makeAddConfig(add));
  replacedConfigs = replaced;
  return replaced;
}

/**
 * Registers the training (gradient) kernels tfjs-backend-wasm lacks and the faster replacements,
 * and a Relu gradient that runs one fused kernel on 'wasm' (the registered Relu gradient, wrapped:
 * register tfjs's gradients first, e.g. by importing @tensorflow/tfjs-layers). Calling it again
 * re-registers (e.g. with other options). Call before tf.setBackend('wasm') (useBackend() does) so
 * setup functions run when the backend starts.
 */
export function registerTrainKernels(options: TrainKernelOptions = {}): void {
  for (const config of trainKernelConfigs(options)) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current != null) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
  // The Relu gradient that runs PrunekitReluGrad on 'wasm' (ReluGrad.ts); other backends keep theirs.
  const grad = reluGradConfig();
  if (grad != null && getGradient(Relu) !== grad) registerGradient(grad);
}
