// Conv2DBackpropFilter for 'wasm' (absent from tfjs-backend-wasm 4.22). Two strategies, both
// exact to float rounding: 'assemblyscript' (a direct SIMD loop, the default: it was faster on all
// three conv layers of the traffic-sign CNN in benchmarks/src/train.ts) and 'composition' (one
// XNNPACK convolution between transposes, no native code of ours).
import {
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Conv2DBackpropFilter,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { checkChannelsLast, checkRank4 } from './conv_checks.js';
import { conv2DBackpropFilterComposed } from './Conv2DBackpropFilter_composed.js';
import { conv2DBackpropFilterSimd } from './Conv2DBackpropFilter_simd.js';

/** How Conv2DBackpropFilter is computed on 'wasm': the AssemblyScript kernel or a composition of tfjs-wasm kernels. */
export type Conv2DBackpropFilterStrategy = 'assemblyscript' | 'composition';

export function makeConv2DBackpropFilterConfig(
  strategy: Conv2DBackpropFilterStrategy = 'assemblyscript',
): KernelConfig {
  const impl = strategy === 'composition' ? conv2DBackpropFilterComposed : conv2DBackpropFilterSimd;
  const kernelFunc = (args: {
    inputs: { x: TensorInfo; dy: TensorInfo };
    backend: BackendWasm;
    attrs: Conv2DBackpropFilterAttrs;
  }) => {
    const { x, dy } = args.inputs;
    checkRank4(Conv2DBackpropFilter, 'x', x);
    checkRank4(Conv2DBackpropFilter, 'dy', dy);
    checkChannelsLast(Conv2DBackpropFilter, args.attrs.dataFormat);
    return impl(args.backend, x, dy, args.attrs);
  };
  return {
    kernelName: Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
