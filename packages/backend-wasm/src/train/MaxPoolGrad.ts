// Replaces tfjs-wasm's MaxPoolGrad (a slow generic loop: ~6x its MaxPool) with SIMD kernels that
// keep the cpu backend's tie rule: for windows that tile the input (2×2 / stride 2 and the like)
// one read and one write per position (assembly/train/max_pool_grad_disjoint.ts); otherwise an
// argmax scatter (assembly/train/max_pool_grad.ts).
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

/** Windows side by side inside the input (stride = window, no dilation, no pad): no overlaps. */
function tiles(info: backend_util.Conv2DInfo): boolean {
  return (
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight * info.filterHeight <= info.inHeight &&
    info.outWidth * info.filterWidth <= info.inWidth
  );
}

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
  const { outHeight: ho, outWidth: wo, filterHeight: fh, filterWidth: fw } = info;
  const a = new Arena(backend);
  const dx = a.output([n, h, w, c]);
  const [xp, dyp] = [a.at(input), a.at(dy)];
  if (tiles(info)) a.mod.maxPoolGradDisjoint(xp, dyp, dx.at, n, h, w, c, ho, wo, fh, fw);
  else a.mod.maxPoolGrad(xp, dyp, dx.at, n, h, w, c, ho, wo, ...windowArgs(info));
  return dx.info;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
