// Conv2DBackpropFilter as a direct AssemblyScript SIMD loop (assembly/train/conv2d_backprop_filter.ts).
// Works in place on tfjs-wasm's heap; channels that are not a multiple of the kernel's 4 (in) × 8 (out)
// tile are padded into scratch on the way in and cut on the way out.
import { type Conv2DBackpropFilterAttrs, backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Arena, roundUp } from './train_module.js';

/** Conv2DBackpropFilter in prunekit's AssemblyScript SIMD kernel, on tfjs-wasm's memory in place (the default 'assemblyscript' strategy). */
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
  const a = new Arena(backend);
  try {
    let xp = a.at(x);
    if (ciP !== ci) {
      const padded = a.alloc(n * h * w * ciP);
      a.mod.padChannels(xp, padded, n * h * w, ci, ciP);
      xp = padded;
    }
    let dyp = a.at(dy);
    if (coP !== co) {
      const padded = a.alloc(n * ho * wo * coP);
      a.mod.padChannels(dyp, padded, n * ho * wo, co, coP);
      dyp = padded;
    }
    const exact = ciP === ci && coP === co;
    const out = a.output([fh, fw, ci, co]);
    const dw = exact ? out.at : a.alloc(fh * fw * ciP * coP);
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
    if (!exact) {
      // Rows of coP → rows of co drops padded outputs; then rows of ciP·co → ci·co drops padded inputs.
      const cut = a.alloc(fh * fw * ciP * co);
      a.mod.unpadChannels(dw, cut, fh * fw * ciP, co, coP);
      a.mod.unpadChannels(cut, out.at, fh * fw, ci * co, ciP * co);
    }
    return out.info;
  } finally {
    a.free();
  }
}
