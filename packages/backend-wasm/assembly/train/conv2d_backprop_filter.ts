/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[n,oh,ow,co]
 *
 * A GEMM reducing over output pixels: NHWC x [n,h,w,ci], dy [n,ho,wo,co], dW [fh,fw,ci,co]; ci a
 * multiple of 4, co of 8 (the host pads). A tile of 4 input × 8 output channels lives in 8 v128
 * accumulators while a block of output rows streams past (rows chosen so the block's x and dy
 * stay in cache); dW tiles are loaded and stored once per block.
 */
export function conv2dBackpropFilter(
  x: usize,
  dy: usize,
  dw: usize,
  n: i32,
  h: i32,
  w: i32,
  ci: i32,
  ho: i32,
  wo: i32,
  co: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  top: i32,
  left: i32,
): void {
  memory.fill(dw, 0, (<usize>(fh * fw * ci * co)) << 2);
  const rows = n * ho;
  // Rows per block: about 16 KB of x and dy together, so a block stays in L1 across its tiles.
  let block = 16384 / ((ci + co) << 2) / wo;
  if (block < 1) block = 1;
  const rowStride = (<usize>co) << 2;
  const xStep = (<usize>(sw * ci)) << 2;
  const dStep = (<usize>co) << 2;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = min(r0 + block, rows);
    const b0 = r0 / ho;
    const oh0 = r0 - b0 * ho;
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        // Output columns whose input column ow·sw + kw − left lies inside [0, w).
        const first = kw - left;
        let owStart = 0;
        if (first < 0) owStart = (-first + sw - 1) / sw;
        let owEnd = w - 1 - first < 0 ? 0 : (w - 1 - first) / sw + 1;
        if (owEnd > wo) owEnd = wo;
        if (owStart >= owEnd) continue;
        const dwK = dw + ((<usize>((kh * fw + kw) * ci * co)) << 2);
        for (let c0 = 0; c0 < ci; c0 += 4) {
          for (let o0 = 0; o0 < co; o0 += 8) {
            const t0 = dwK + ((<usize>(c0 * co + o0)) << 2);
            let a00 = v128.load(t0),
              a01 = v128.load(t0, 16);
            let a10 = v128.load(t0 + rowStride),
              a11 = v128.load(t0 + rowStride, 16);
            let a20 = v128.load(t0 + 2 * rowStride),
              a21 = v128.load(t0 + 2 * rowStride, 16);
            let a30 = v128.load(t0 + 3 * rowStride),
              a31 = v128.load(t0 + 3 * rowStride, 16);
            let b = b0;
            let oh = oh0;
            for (let r = r0; r < r1; r++) {
              const ih = oh * sh + kh - top;
              if (ih >= 0 && ih < h) {
                let xp = x + ((<usize>(((b * h + ih) * w + owStart * sw + first) * ci + c0)) << 2);
                let dp = dy + ((<usize>((r * wo + owStart) * co + o0)) << 2);
                for (let ow = owStart; ow < owEnd; ow++) {
                  const d0 = v128.load(dp);
                  const d1 = v128.load(dp, 16);
                  const x0 = v128.load32_splat(xp);
                  const x1 = v128.load32_splat(xp, 4);
                  const x2 = v128.load32_splat(xp, 8);
                  const x3 = v128.load32_splat(xp, 12);
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
              }
              // Next output row: (b, oh) advance without a division per row.
              if (++oh === ho) {
                oh = 0;
                b++;
              }
            }
            v128.store(t0, a00);
            v128.store(t0, a01, 16);
            v128.store(t0 + rowStride, a10);
            v128.store(t0 + rowStride, a11, 16);
            v128.store(t0 + 2 * rowStride, a20);
            v128.store(t0 + 2 * rowStride, a21, 16);
            v128.store(t0 + 3 * rowStride, a30);
            v128.store(t0 + 3 * rowStride, a31, 16);
          }
        }
      }
    }
  }
}
