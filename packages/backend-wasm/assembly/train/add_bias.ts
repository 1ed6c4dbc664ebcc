/**
 * out[r, c] = x[r, c] + bias[c] over x [rows, cols]: the bias add of a conv or dense layer in
 * training (tfjs fuses it into the convolution only when no gradient is taken). Four columns per
 * SIMD add, the bias row re-read from cache for every row; the last cols % 4 one at a time.
 */
export function addBias(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  const stride = (<usize>cols) << 2;
  let src = x;
  let dst = out;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c < c4; c += 4) {
      const k = (<usize>c) << 2;
      v128.store(dst + k, f32x4.add(v128.load(src + k), v128.load(bias + k)));
    }
    for (; c < cols; c++) {
      const k = (<usize>c) << 2;
      store<f32>(dst + k, load<f32>(src + k) + load<f32>(bias + k));
    }
    src += stride;
    dst += stride;
  }
}
