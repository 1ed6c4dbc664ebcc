/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[n,oh,ow,co]
 *
 * NHWC x [n,h,w,ci], dy [n,ho,wo,co], dW [fh,fw,ci,co]; ci a multiple of 4, co of 8 (the host
 * pads). Tiles of 4 input × 8 output channels live in 8 v128 accumulators over one output row
 * (the row of dy and of x stay in L1); dW tiles are loaded and stored once per row.
 */
export function conv2dBackpropFilter(
  x: usize, dy: usize, dw: usize,
  n: i32, h: i32, w: i32, ci: i32,
  ho: i32, wo: i32, co: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, top: i32, left: i32,
): void {
  memory.fill(dw, 0, <usize>(fh * fw * ci * co) << 2);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      const dyRow = dy + (<usize>((b * ho + oh) * wo * co) << 2);
      for (let kh = 0; kh < fh; kh++) {
        const ih = oh * sh + kh - top;
        if (ih < 0 || ih >= h) continue;
        const xRow = x + (<usize>((b * h + ih) * w * ci) << 2);
        for (let kw = 0; kw < fw; kw++) {
          // Output columns whose input column ow·sw + kw − left lies inside [0, w).
          let owStart = 0;
          const first = kw - left;
          if (first < 0) owStart = (-first + sw - 1) / sw;
          let owEnd = (w - 1 - first) / sw + 1;
          if (w - 1 - first < 0) owEnd = 0;
          if (owEnd > wo) owEnd = wo;
          if (owStart >= owEnd) continue;
          const dwK = dw + (<usize>((kh * fw + kw) * ci * co) << 2);
          for (let c0 = 0; c0 < ci; c0 += 4) {
            for (let o0 = 0; o0 < co; o0 += 8) {
              const t0 = dwK + (<usize>(c0 * co + o0) << 2);
              const rowStride = <usize>co << 2;
              let a00 = v128.load(t0), a01 = v128.load(t0, 16);
              let a10 = v128.load(t0 + rowStride), a11 = v128.load(t0 + rowStride, 16);
              let a20 = v128.load(t0 + 2 * rowStride), a21 = v128.load(t0 + 2 * rowStride, 16);
              let a30 = v128.load(t0 + 3 * rowStride), a31 = v128.load(t0 + 3 * rowStride, 16);
              let xp = xRow + (<usize>((owStart * sw + first) * ci + c0) << 2);
              let dp = dyRow + (<usize>(owStart * co + o0) << 2);
              const xStep = <usize>(sw * ci) << 2;
              const dStep = <usize>co << 2;
              for (let ow = owStart; ow < owEnd; ow++) {
                const xv = v128.load(xp);
                const d0 = v128.load(dp);
                const d1 = v128.load(dp, 16);
                const x0 = v128.shuffle<f32>(xv, xv, 0, 0, 0, 0);
                const x1 = v128.shuffle<f32>(xv, xv, 1, 1, 1, 1);
                const x2 = v128.shuffle<f32>(xv, xv, 2, 2, 2, 2);
                const x3 = v128.shuffle<f32>(xv, xv, 3, 3, 3, 3);
                a00 = f32x4.add(a00, f32x4.mul(x0, d0));
                a01 = f32x4.add(a01, f32x4.mul(x0, d1));
                a10 = f32x4.add(a10, f32x4.mul(x1, d0));
                a11 = f32x4.add(a11, f32x4.mul(x1, d1));
                a20 = f32x4.add(a20, f32x4.mul(x2, d0));
                a21 = f32x4.add(a21, f32x4.mul(x2, d1));
                a30 = f32x4.add(a30, f32x4.mul(x3, d0));
                a31 = f32x4.add(a31, f32x4.mul(x3, d1));
                xp += xStep;
                dp += dStep;
              }
              v128.store(t0, a00); v128.store(t0, a01, 16);
              v128.store(t0 + rowStride, a10); v128.store(t0 + rowStride, a11, 16);
              v128.store(t0 + 2 * rowStride, a20); v128.store(t0 + 2 * rowStride, a21, 16);
              v128.store(t0 + 3 * rowStride, a30); v128.store(t0 + 3 * rowStride, a31, 16);
            }
          }
        }
      }
    }
  }
}
