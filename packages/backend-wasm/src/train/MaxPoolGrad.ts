// Replaces tfjs-wasm's MaxPoolGrad (a slow generic loop: ~6x its MaxPool) with SIMD kernels that
// keep the cpu backend's tie rule (assembly/train/max_pool_grad.ts): an argmax scatter, or, for
// windows that tile the input (2×2 / stride 2 and the like), one read and one write per position
// (max_pool_grad_disjoint.ts).
import {
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
  MaxPoolGrad,
  backend_util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { checkRank4 } from './conv_checks.js';
import { windowArgs } from './conv_params.js';
import { Arena } from './train_module.js';

function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: BackendWasm;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const {
    inputs: { dy, input },
    backend,
    attrs,
  } = args;
  checkRank4(MaxPoolGrad, 'input', input);
  checkRank4(MaxPoolGrad, 'dy', dy);
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, h, w, c] = input.shape;
  const a = new Arena(backend);
  const dx = a.output([n, h, w, c]);
  a.mod.maxPoolGrad(
    a.at(input),
    a.at(dy),
    dx.at,
    n,
    h,
    w,
    c,
    info.outHeight,
    info.outWidth,
    ...windowArgs(info),
  );
  return dx.info;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
