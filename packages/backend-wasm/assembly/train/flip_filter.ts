/**
 * dst[a, b, o, i] = src[kh − 1 − a, kw − 1 − b, i, o]: a conv filter [kh, kw, ci, co] turned in
 * space and with its channels swapped, the filter Conv2DBackpropInput convolves dy with.
 */
export function flipFilter(src: usize, dst: usize, kh: i32, kw: i32, ci: i32, co: i32): void {
  const tap = ci * co;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const from = src + ((<usize>(((kh - 1 - a) * kw + (kw - 1 - b)) * tap)) << 2);
      const to = dst + ((<usize>((a * kw + b) * tap)) << 2);
      for (let o = 0; o < co; o++) {
        for (let i = 0; i < ci; i++) {
          store<f32>(to + ((<usize>(o * ci + i)) << 2), load<f32>(from + ((<usize>(i * co + o)) << 2)));
        }
      }
    }
  }
}
