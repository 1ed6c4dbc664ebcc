// Conv2DBackpropFilter as a direct AssemblyScript SIMD loop (assembly/train/conv2d_backprop_filter.ts).
// Channels are padded to the kernel's 4 (in) × 8 (out) tile on the way in and cut on the way out.
import { type Conv2DBackpropFilterAttrs, backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Arena, roundUp } from './train_module.js';

export function conv2DBackpropFilterSimd(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'filterShape'>,
): TensorInfo {
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [n, h, w, ci] = x.shape;
  const [, ho, wo, co] = dy.shape;
  const [fh, fw] = attrs.filterShape;
  const ciP = roundUp(ci, 4);
  const coP = roundUp(co, 8);
  const a = new Arena();
  let xp = a.copyIn(backend, x);
  if (ciP !== ci) {
    const padded = a.alloc(n * h * w * ciP);
    a.mod.padChannels(xp, padded, n * h * w, ci, ciP);
    xp = padded;
  }
  let dyp = a.copyIn(backend, dy);
  if (coP !== co) {
    const padded = a.alloc(n * ho * wo * coP);
    a.mod.padChannels(dyp, padded, n * ho * wo, co, coP);
    dyp = padded;
  }
  let dw = a.alloc(fh * fw * ciP * coP);
  a.mod.conv2dBackpropFilter(
    xp,
    dyp,
    dw,
    n,
    h,
    w,
    ciP,
    ho,
    wo,
    coP,
    fh,
    fw,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
  if (ciP !== ci || coP !== co) {
    // Rows of coP → rows of co drops padded outputs; then rows of ciP·co → ci·co drops padded inputs.
    const cut = a.alloc(fh * fw * ciP * co);
    a.mod.unpadChannels(dw, cut, fh * fw * ciP, co, coP);
    const cut2 = a.alloc(fh * fw * ci * co);
    a.mod.unpadChannels(cut, cut2, fh * fw, ci * co, ciP * co);
    dw = cut2;
  }
  return a.copyOut(backend, dw, [fh, fw, ci, co]);
}
