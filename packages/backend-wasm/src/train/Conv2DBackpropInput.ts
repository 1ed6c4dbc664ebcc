// Replaces tfjs-wasm's loop-based Conv2DBackpropInput with the XNNPACK composition; shapes the
// composition does not cover go to the kernel it replaces.
import {
  type Conv2DBackpropInputAttrs,
  type TensorInfo,
  type KernelConfig,
  type KernelFunc,
  Conv2DBackpropInput,
  getKernel,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ShapeError } from '@prunekit/core';
import { checkChannelsLast, checkRank4 } from './conv_checks.js';
import { conv2DBackpropInputComposed } from './Conv2DBackpropInput_composed.js';

/** Builds the config; `original` is tfjs-wasm's own kernel, kept as the fallback. */
export function makeConv2DBackpropInputConfig(original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: {
    inputs: { dy: TensorInfo; filter: TensorInfo };
    backend: BackendWasm;
    attrs: Conv2DBackpropInputAttrs;
  }) => {
    const { dy, filter } = args.inputs;
    checkRank4(Conv2DBackpropInput, 'dy', dy);
    checkRank4(Conv2DBackpropInput, 'filter', filter);
    checkChannelsLast(Conv2DBackpropInput, args.attrs.dataFormat);
    const out = conv2DBackpropInputComposed(args.backend, dy, filter, args.attrs);
    if (out != null) return out;
    if (original == null) {
      throw new ShapeError(
        `${Conv2DBackpropInput}: pads wider than the filter (${JSON.stringify(args.attrs.pad)}) need ` +
          `tfjs-wasm's own kernel, which is not registered. Register @tensorflow/tfjs-backend-wasm first.`,
        { kernel: Conv2DBackpropInput, field: 'pad' },
      );
    }
    return (original.kernelFunc as KernelFunc)(args as never);
  };
  return {
    kernelName: Conv2DBackpropInput,
    backendName: 'wasm',
    // Runs the replaced kernel's setup too, so the fallback has its wasm function bound.
    setupFunc: original?.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/** tfjs-wasm's own Conv2DBackpropInput, looked up before prunekit replaces it. */
export function originalConv2DBackpropInput(): KernelConfig | undefined {
  return getKernel(Conv2DBackpropInput, 'wasm');
}
