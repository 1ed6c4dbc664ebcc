/**
 * dW[kh,kw,c,q] = Σ_{n,oh,ow} x[n, oh·sh + kh·dh − top, ow·sw + kw·dw − left, c] · dy[n,oh,ow,c·m+q]
 *
 * NHWC x [n,h,w,c], dy [n,ho,wo,c·m], dW [fh,fw,c,m]. dW is small and stays in cache, so it is
 * accumulated in place; with m = 1 and c a multiple of 4 the channel loop is SIMD.
 */
export function depthwiseBackpropFilter(
  x: usize,
  dy: usize,
  dwOut: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  m: i32,
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
  const cm = c * m;
  memory.fill(dwOut, 0, (<usize>(fh * fw * cm)) << 2);
  const simd = m === 1 && (c & 3) === 0;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const dyPix = dy + ((<usize>(((b * ho + oh) * wo + ow) * cm)) << 2);
        for (let kh = 0; kh < fh; kh++) {
          const ih = oh * sh + kh * dh - top;
          if (ih < 0 || ih >= h) continue;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow * sw + kw * dw - left;
            if (iw < 0 || iw >= w) continue;
            const xPix = x + ((<usize>(((b * h + ih) * w + iw) * c)) << 2);
            const gPix = dwOut + ((<usize>((kh * fw + kw) * cm)) << 2);
            if (simd) {
              for (let k: usize = 0; k < (<usize>c) << 2; k += 16) {
                v128.store(
                  gPix + k,
                  f32x4.add(v128.load(gPix + k), f32x4.mul(v128.load(xPix + k), v128.load(dyPix + k))),
                );
              }
            } else {
              for (let ch = 0; ch < c; ch++) {
                const xv = load<f32>(xPix + ((<usize>ch) << 2));
                for (let q = 0; q < m; q++) {
                  const j = (<usize>(ch * m + q)) << 2;
                  store<f32>(gPix + j, load<f32>(gPix + j) + xv * load<f32>(dyPix + j));
                }
              }
            }
          }
        }
      }
    }
  }
}
