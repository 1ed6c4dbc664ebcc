/**
 * Max-pool gradient for windows that tile the input without overlap or padding (stride = window,
 * no dilation, no pad: the 2×2 / stride 2 pools of most CNNs). Same tie rule as maxPoolGrad (the
 * first position, in row-major order, strictly greater than everything before it), but with no
 * scatter: each window is read once to find its argmax, then every position of the window is
 * written once — dy where the argmax is, 0 elsewhere. Rows and columns past the last whole
 * window get 0.
 *
 * NHWC x [n,h,w,c], dy [n,ho,wo,c], dx [n,h,w,c]; window fh × fw, ho = ⌊h / fh⌋, wo = ⌊w / fw⌋.
 * Four channels per SIMD step. maxPoolGrad calls this when the windows tile the input.
 */
export function tiledMaxPoolGrad(
  x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, fh: i32, fw: i32,
): void {
  const ho = h / fh;
  const wo = w / fw;
  if (ho * fh < h || wo * fw < w) memory.fill(dx, 0, (<usize>(n * h * w * c)) << 2);
  if (fh == 2 && fw == 2 && (c & 3) == 0) {
    pool2x2(x, dy, dx, n, h, w, c, ho, wo);
    return;
  }
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

/**
 * The 2×2 case with channels a multiple of 4, unrolled: the four window positions sit at fixed
 * byte offsets, and the argmax is the last position whose value beat all before it (the same rule
 * as above, as masks: position k wins if it beat its predecessors and no later one beat it).
 */
function pool2x2(x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, ho: i32, wo: i32): void {
  const col = (<usize>c) << 2;
  const row = (<usize>(w * c)) << 2;
  const negInf = f32x4.splat(-Infinity);
  let g = dy;
  for (let i = 0; i < n * ho; i++) {
    // Image i / ho, window row i % ho, whose first input row is 2·(i % ho).
    const b = i / ho;
    const top = (<usize>((b * h + ((i - b * ho) << 1)) * w * c)) << 2;
    let p = x + top;
    let q = dx + top;
    for (let ow = 0; ow < wo; ow++) {
      for (let k: usize = 0; k < col; k += 16) {
        const v0 = v128.load(p + k);
        const v1 = v128.load(p + col + k);
        const v2 = v128.load(p + row + k);
        const v3 = v128.load(p + row + col + k);
        const g0 = f32x4.gt(v0, negInf);
        const b0 = v128.bitselect(v0, negInf, g0);
        const g1 = f32x4.gt(v1, b0);
        const b1 = v128.bitselect(v1, b0, g1);
        const g2 = f32x4.gt(v2, b1);
        const b2 = v128.bitselect(v2, b1, g2);
        const g3 = f32x4.gt(v3, b2);
        const later3 = g3;
        const later2 = v128.or(g2, later3);
        const later1 = v128.or(g1, later2);
        const d = v128.load(g + k);
        v128.store(q + k, v128.and(d, v128.andnot(g0, later1)));
        v128.store(q + col + k, v128.and(d, v128.andnot(g1, later2)));
        v128.store(q + row + k, v128.and(d, v128.andnot(g2, later3)));
        v128.store(q + row + col + k, v128.and(d, g3));
      }
      p += col << 1;
      q += col << 1;
      g += col;
    }
  }
}
