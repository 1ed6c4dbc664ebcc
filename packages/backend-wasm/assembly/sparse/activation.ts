// Fused activations: 0 linear, 1 relu, 2 relu6 (codes shared with src/sparse/activation_code.ts).

// @ts-ignore: decorator
@inline
export function act4(v: v128, act: i32): v128 {
  if (act == 1) return f32x4.max(v, f32x4.splat(0));
  if (act == 2) return f32x4.min(f32x4.max(v, f32x4.splat(0)), f32x4.splat(6));
  return v;
}

// @ts-ignore: decorator
@inline
export function act1(v: f32, act: i32): f32 {
  if (act == 1) return v > 0 ? v : 0;
  if (act == 2) return v > 0 ? (v < 6 ? v : 6) : 0;
  return v;
}

// @ts-ignore: decorator
@inline
export function biasOf(bias: usize, m: i32): f32 {
  return bias ? load<f32>(bias + (<usize>m << 2)) : 0;
}
