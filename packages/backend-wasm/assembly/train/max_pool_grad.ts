import { tiledMaxPoolGrad } from './max_pool_grad_disjoint';

/**
 * Max-pool gradient with the cpu backend's tie rule: each window's dy goes to the first input
 * position (row-major scan) holding a value strictly greater than everything before it; a window
 * with no such value (all −∞ or NaN) passes nothing back.
 *
 * NHWC x [n,h,w,c], dy [n,ho,wo,c], dx [n,h,w,c]. Channels run innermost, four at a time with
 * SIMD compares when c is a multiple of 4. Windows that tile the input (stride = window, no
 * dilation, no pad) go to tiledMaxPoolGrad, which writes each position once instead of scattering.
 */
export function maxPoolGrad(
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
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  top: i32,
  left: i32,
): void {
  if (sh == fh && sw == fw && dh == 1 && dw == 1 && top == 0 && left == 0 && ho * fh <= h && wo * fw <= w) {
    tiledMaxPoolGrad(x, dy, dx, n, h, w, c, fh, fw);
    return;
  }
  memory.fill(dx, 0, (<usize>(n * h * w * c)) << 2);
  const negInf = f32x4.splat(-Infinity);
  const none = i32x4.splat(-1);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      const r0 = oh * sh - top;
      for (let ow = 0; ow < wo; ow++) {
        const c0 = ow * sw - left;
        const dyPix = dy + ((<usize>(((b * ho + oh) * wo + ow) * c)) << 2);
        let ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          let best = negInf;
          let at = none;
          for (let kh = 0; kh < fh; kh++) {
            const ih = r0 + kh * dh;
            if (ih < 0 || ih >= h) continue;
            for (let kw = 0; kw < fw; kw++) {
              const iw = c0 + kw * dw;
              if (iw < 0 || iw >= w) continue;
              const pos = ((b * h + ih) * w + iw) * c + ch;
              const v = v128.load(x + ((<usize>pos) << 2));
              const gt = f32x4.gt(v, best);
              best = v128.bitselect(v, best, gt);
              at = v128.bitselect(i32x4.splat(pos), at, gt);
            }
          }
          const g = v128.load(dyPix + ((<usize>ch) << 2));
          scatter(dx, i32x4.extract_lane(at, 0), 0, f32x4.extract_lane(g, 0));
          scatter(dx, i32x4.extract_lane(at, 1), 1, f32x4.extract_lane(g, 1));
          scatter(dx, i32x4.extract_lane(at, 2), 2, f32x4.extract_lane(g, 2));
          scatter(dx, i32x4.extract_lane(at, 3), 3, f32x4.extract_lane(g, 3));
        }
        for (; ch < c; ch++) {
          let best: f32 = -Infinity;
          let at = -1;
          for (let kh = 0; kh < fh; kh++) {
            const ih = r0 + kh * dh;
            if (ih < 0 || ih >= h) continue;
            for (let kw = 0; kw < fw; kw++) {
              const iw = c0 + kw * dw;
              if (iw < 0 || iw >= w) continue;
              const pos = ((b * h + ih) * w + iw) * c + ch;
              const v = load<f32>(x + ((<usize>pos) << 2));
              if (v > best) {
                best = v;
                at = pos;
              }
            }
          }
          scatter(dx, at, 0, load<f32>(dyPix + ((<usize>ch) << 2)));
        }
      }
    }
  }
}

// `base` is the position found for lane 0 of a 4-channel group; lane k sits k floats further.
function scatter(dx: usize, base: i32, lane: i32, g: f32): void {
  if (base < 0) return;
  const p = dx + ((<usize>(base + lane)) << 2);
  store<f32>(p, load<f32>(p) + g);
}
