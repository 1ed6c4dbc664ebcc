// DepthwiseConv2dNativeBackpropFilter for 'wasm' (absent from tfjs-backend-wasm 4.22): strides,
// dilations, 'same'/'valid'/explicit pads, any channel multiplier. Kernel:
// assembly/train/depthwise_backprop_filter.ts.
import {
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  DepthwiseConv2dNativeBackpropFilter,
  backend_util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { checkRank4 } from './conv_checks.js';
import { windowArgs } from './conv_params.js';
import { Arena } from './train_module.js';

function depthwiseBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const {
    inputs: { x, dy },
    backend,
    attrs,
  } = args;
  checkRank4(DepthwiseConv2dNativeBackpropFilter, 'x', x);
  checkRank4(DepthwiseConv2dNativeBackpropFilter, 'dy', dy);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const [n, h, w, c] = x.shape;
  const [fh, fw, , m] = attrs.filterShape;
  const a = new Arena(backend);
  const dw = a.output([fh, fw, c, m]);
  a.mod.depthwiseBackpropFilter(
    a.at(x),
    a.at(dy),
    dw.at,
    n,
    h,
    w,
    c,
    m,
    info.outHeight,
    info.outWidth,
    ...windowArgs(info),
  );
  return dw.info;
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};
