/**
 * out[i] = dy[i] · step(x[i]) — the Relu gradient in one pass, where tfjs runs Step, Cast and
 * Multiply. step(x) is 1 for x > 0, 0 otherwise and NaN for NaN, and dy is multiplied by it (not
 * selected), so NaN and infinite dy propagate exactly as in tfjs's three-kernel form.
 */
export function reluGrad(dy: usize, x: usize, out: usize, n: i32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const k = (<usize>i) << 2;
    const v = v128.load(x + k);
    const mask = v128.bitselect(v, v128.bitselect(one, zero, f32x4.gt(v, zero)), f32x4.ne(v, v));
    v128.store(out + k, f32x4.mul(v128.load(dy + k), mask));
  }
  for (; i < n; i++) {
    const k = (<usize>i) << 2;
    const v = load<f32>(x + k);
    const s: f32 = v != v ? v : v > 0 ? 1 : 0;
    store<f32>(out + k, load<f32>(dy + k) * s);
  }
}
