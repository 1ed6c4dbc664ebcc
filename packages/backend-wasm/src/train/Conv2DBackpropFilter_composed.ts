// Conv2DBackpropFilter as one XNNPACK convolution (no new native code):
//   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[n,oh,ow,co]
// is a convolution whose "batch" is ci, whose "channels" are n, and whose filter is dy itself:
//   x' = transpose(x, [3,1,2,0])      [Ci, H, W, N]
//   f' = transpose(dy, [1,2,0,3])     [Ho, Wo, N, Co]
//   o  = conv2d(x', f', stride 1, dilation (sh, sw), pads (top, left, …))   [Ci, kh, kw, Co]
//   dW = transpose(o, [1,2,0,3])      [kh, kw, Ci, Co]
// The forward stride becomes the dilation; the bottom/right pads are chosen so the output is kh×kw
// (rows of x no output pixel reads are cropped first).
import { type Conv2DBackpropFilterAttrs, backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Scratch } from './wasm_calls.js';

/** Conv2DBackpropFilter as kh·kw matMuls of shifted input patches and dy, from tfjs-wasm's own kernels (the 'composition' strategy). */
export function conv2DBackpropFilterComposed(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'filterShape'>,
): TensorInfo {
  const [kh, kw, ,] = attrs.filterShape;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const s = new Scratch(backend);
  try {
    // Bottom/right pads making the output exactly kh × kw; negative means rows are never read.
    let bottom = kh + (ho - 1) * sh - h - top;
    let right = kw + (wo - 1) * sw - w - left;
    let xs = x;
    if (bottom < 0 || right < 0) {
      const hUsed = bottom < 0 ? h + bottom : h;
      const wUsed = right < 0 ? w + right : w;
      xs = s.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [x.shape[0], hUsed, wUsed, x.shape[3]] });
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const xt = s.run('Transpose', { x: xs }, { perm: [3, 1, 2, 0] });
    const ft = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const o = s.run(
      'Conv2D',
      { x: xt, filter: ft },
      {
        strides: 1,
        dilations: [sh, sw],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    return s.keep(s.run('Transpose', { x: o }, { perm: [1, 2, 0, 3] }));
  } finally {
    s.free();
  }
}
