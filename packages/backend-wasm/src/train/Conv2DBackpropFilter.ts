// Conv2DBackpropFilter for 'wasm' (absent from tfjs-backend-wasm 4.22).
import {
  type Conv2DBackpropFilterAttrs,
  type TensorInfo,
  type KernelConfig,
  type KernelFunc,
  Conv2DBackpropFilter,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { checkChannelsLast, checkRank4 } from './conv_checks.js';
import { conv2DBackpropFilterComposed } from './Conv2DBackpropFilter_composed.js';

function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}) {
  const { x, dy } = args.inputs;
  checkRank4(Conv2DBackpropFilter, 'x', x);
  checkRank4(Conv2DBackpropFilter, 'dy', dy);
  checkChannelsLast(Conv2DBackpropFilter, args.attrs.dataFormat);
  return conv2DBackpropFilterComposed(args.backend, x, dy, args.attrs);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
