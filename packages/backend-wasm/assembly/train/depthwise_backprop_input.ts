/**
 * dx[n,ih,iw,c] = Σ_{kh,kw,q} dy[n,oh,ow,c·m+q] · f[kh,kw,c,q],  ih = oh·sh + kh·dh − top, iw alike.
 *
 * NHWC dx [n,h,w,c], dy [n,ho,wo,c·m], f [fh,fw,c,m]. Scatter form: each dy pixel adds into the
 * input pixels its window touched. With m = 1 and c a multiple of 4 the channel loop is SIMD.
 */
export function depthwiseBackpropInput(
  dy: usize,
  f: usize,
  dx: usize,
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
  memory.fill(dx, 0, (<usize>(n * h * w * c)) << 2);
  const cm = c * m;
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
            const dxPix = dx + ((<usize>(((b * h + ih) * w + iw) * c)) << 2);
            const fPix = f + ((<usize>((kh * fw + kw) * cm)) << 2);
            if (simd) {
              for (let k: usize = 0; k < (<usize>c) << 2; k += 16) {
                v128.store(
                  dxPix + k,
                  f32x4.add(v128.load(dxPix + k), f32x4.mul(v128.load(dyPix + k), v128.load(fPix + k))),
                );
              }
            } else {
              for (let ch = 0; ch < c; ch++) {
                let s: f32 = 0;
                for (let q = 0; q < m; q++) {
                  const j = (<usize>(ch * m + q)) << 2;
                  s += load<f32>(dyPix + j) * load<f32>(fPix + j);
                }
                const p = dxPix + ((<usize>ch) << 2);
                store<f32>(p, load<f32>(p) + s);
              }
            }
          }
        }
      }
    }
  }
}
