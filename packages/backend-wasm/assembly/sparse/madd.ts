// acc + w·x per lane. Built twice (scripts/build-wasm.mjs): with relaxed SIMD enabled this is one
// fused multiply-add (f32x4.relaxed_madd; one rounding instead of two), otherwise a mul then an add.

// @ts-ignore: decorator
@inline
export function madd(w: v128, x: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(w, x, acc);
  return f32x4.add(acc, f32x4.mul(w, x));
}
