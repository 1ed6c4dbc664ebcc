// DepthwiseConv2dNativeBackpropInput for 'wasm' (absent from tfjs-backend-wasm 4.22): strides,
// dilations, 'same'/'valid'/explicit pads, any channel multiplier. Kernel:
// assembly/train/depthwise_backprop_input.ts.
import {
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  DepthwiseConv2dNativeBackpropInput,
  backend_util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { checkRank4 } from './conv_checks.js';
import { windowArgs } from './conv_params.js';
import { Arena } from './train_module.js';

function depthwiseBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const {
    inputs: { dy, filter },
    backend,
    attrs,
  } = args;
  checkRank4(DepthwiseConv2dNativeBackpropInput, 'dy', dy);
  checkRank4(DepthwiseConv2dNativeBackpropInput, 'filter', filter);
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const [n, h, w, c] = attrs.inputShape;
  const m = filter.shape[3];
  const a = new Arena(backend);
  const dx = a.output([n, h, w, c]);
  a.mod.depthwiseBackpropInput(
    a.at(dy),
    a.at(filter),
    dx.at,
    n,
    h,
    w,
    c,
    m,
    info.outHeight,
    info.outWidth,
    ...windowArgs(info),
  );
  return dx.info;
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};
