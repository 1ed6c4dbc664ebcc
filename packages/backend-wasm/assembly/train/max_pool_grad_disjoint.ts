/**
 * Max-pool gradient for windows that tile the input without overlap or padding (stride = window,
 * no dilation, no pad: the 2×2 / stride 2 pools of most CNNs). Same tie rule as maxPoolGrad (the
 * first position, in row-major order, strictly greater than everything before it), but with no
 * scatter: each window is read once to find its argmax, then every position of the window is
 * written once — dy where the argmax is, 0 elsewhere. Rows and columns past the last whole
 * window get 0.
 *
 * NHWC x [n,h,w,c], dy [n,ho,wo,c], dx [n,h,w,c]; window fh × fw. Four channels per SIMD step.
 */
export function maxPoolGradDisjoint(
  x: usize,
  dy: usize,
  dx: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  ho: i32,
  wo: i32,
  fh: i32,
  fw: i32,
): void {
  if (ho * fh < h || wo * fw < w) memory.fill(dx, 0, (<usize>(n * h * w * c)) << 2);
  const negInf = f32x4.splat(-Infinity);
  const zero = f32x4.splat(0);
  const none = i32x4.splat(-1);
  const c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        // Byte offset of the window's top-left pixel, and of its dy pixel.
        const corner = (<usize>(((b * h + oh * fh) * w + ow * fw) * c)) << 2;
        const dyPix = dy + ((<usize>(((b * ho + oh) * wo + ow) * c)) << 2);
        for (let ch = 0; ch < c4; ch += 4) {
          const base = corner + ((<usize>ch) << 2);
          let best = negInf;
          let at = none;
          for (let kh = 0; kh < fh; kh++) {
            for (let kw = 0; kw < fw; kw++) {
              const v = v128.load(x + base + ((<usize>((kh * w + kw) * c)) << 2));
              const gt = f32x4.gt(v, best);
              best = v128.bitselect(v, best, gt);
              at = v128.bitselect(i32x4.splat(kh * fw + kw), at, gt);
            }
          }
          const g = v128.load(dyPix + ((<usize>ch) << 2));
          for (let kh = 0; kh < fh; kh++) {
            for (let kw = 0; kw < fw; kw++) {
              const hit = i32x4.eq(at, i32x4.splat(kh * fw + kw));
              v128.store(dx + base + ((<usize>((kh * w + kw) * c)) << 2), v128.bitselect(g, zero, hit));
            }
          }
        }
        for (let ch = c4; ch < c; ch++) {
          const base = corner + ((<usize>ch) << 2);
          let best: f32 = -Infinity;
          let at = -1;
          for (let kh = 0; kh < fh; kh++) {
            for (let kw = 0; kw < fw; kw++) {
              const v = load<f32>(x + base + ((<usize>((kh * w + kw) * c)) << 2));
              if (v > best) {
                best = v;
                at = kh * fw + kw;
              }
            }
          }
          const g = load<f32>(dyPix + ((<usize>ch) << 2));
          for (let kh = 0; kh < fh; kh++) {
            for (let kw = 0; kw < fw; kw++) {
              store<f32>(dx + base + ((<usize>((kh * w + kw) * c)) << 2), at === kh * fw + kw ? g : 0);
            }
          }
        }
      }
    }
  }
}
