// Conv2DBackpropInput as one XNNPACK convolution. tfjs-wasm ships this kernel as a plain loop
// (~10x slower than its Conv2D on the same MACs); the gradient w.r.t. the input is a stride-1
// convolution of dy, zero-interleaved by the stride, with the filter flipped in space and its
// in/out channels swapped:
//   dx = conv2d(zeroInterleave(dy, sh, sw), flip(W)ᵀ, pads (kh−1−top, …))
// Returns null where the geometry does not fit (pads wider than the filter); the caller then
// uses tfjs-wasm's own kernel.
import { type Conv2DBackpropInputAttrs, backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Arena } from './train_module.js';
import { Scratch } from './wasm_calls.js';

/** Conv2DBackpropInput as a convolution of dy with the flipped filter; null when the shapes need the original kernel. */
export function conv2DBackpropInputComposed(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Pick<Conv2DBackpropInputAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'inputShape'>,
): TensorInfo | null {
  const [kh, kw] = filter.shape;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo, inHeight: h, inWidth: w } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  if (top < 0 || left < 0) return null;
  const [n, , , co] = dy.shape;
  const s = new Scratch(backend);
  try {
    let d = dy;
    if (sh > 1 || sw > 1) {
      // [n·ho, 1, wo, 1, co] padded after by (sh−1, sw−1) → [n, ho·sh, wo·sw, co] with zeros between.
      const d5 = s.reshape(dy, [n * ho, 1, wo, 1, co]);
      const p5 = s.run(
        'PadV2',
        { x: d5 },
        {
          paddings: [
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      d = s.reshape(p5, [n, ho * sh, wo * sw, co]);
    }
    const hd = d.shape[1];
    const wd = d.shape[2];
    let bottom = h - hd + kh - 1 - top;
    let right = w - wd + kw - 1 - left;
    if (bottom < 0 || right < 0) {
      d = s.run(
        'Slice',
        { x: d },
        {
          begin: [0, 0, 0, 0],
          size: [n, bottom < 0 ? hd + bottom : hd, right < 0 ? wd + right : wd, co],
        },
      );
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const f = s.track(flippedFilter(backend, filter));
    return s.keep(
      s.run(
        'Conv2D',
        { x: d, filter: f },
        {
          strides: 1,
          dilations: 1,
          pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      ),
    );
  } finally {
    s.free();
  }
}

/** W'[a, b, co, ci] = W[kh−1−a, kw−1−b, ci, co] (assembly/train/flip_filter.ts, in place on the heap). */
function flippedFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const a = new Arena(backend);
  const out = a.output([kh, kw, co, ci]);
  a.mod.flipFilter(a.at(filter), out.at, kh, kw, ci, co);
  return out.info;
}
