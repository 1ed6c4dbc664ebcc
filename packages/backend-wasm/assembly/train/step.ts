/**
 * out[i] = x[i] > 0 ? 1 : alpha, NaN staying NaN (tfjs's Step, which the Relu gradient runs as its
 * mask). Four floats per compare; the tail one at a time.
 */
export function step(x: usize, out: usize, n: i32, alpha: f32): void {
  const one = f32x4.splat(1);
  const a = f32x4.splat(alpha);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const k = (<usize>i) << 2;
    const v = v128.load(x + k);
    const r = v128.bitselect(one, a, f32x4.gt(v, f32x4.splat(0)));
    // v != v only for NaN: keep the NaN.
    v128.store(out + k, v128.bitselect(v, r, f32x4.ne(v, v)));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    const v = load<f32>(x + k);
    store<f32>(out + k, v != v ? v : v > 0 ? 1 : alpha);
  }
}
