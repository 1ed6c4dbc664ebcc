import { act1, act4, biasOf } from './activation';
import { madd } from './madd';

/**
 * Output-stationary sparse rows × dense panel, vectorised over the dense operand's N axis:
 *   out[m·outStride + 4j] = act(bias[m] + Σ_p vals[p] · f32 at bBase + offs[p] + 4j),  j < n
 * for entries p in rowPtr[m] .. rowPtr[m+1]. `offs` are byte offsets of each entry's dense row, so
 * the same loop serves matMul (offs = col·rowBytes) and convolution (offs = shifted input plane).
 * Column chunks are the outer loop so one panel of B stays in cache while every row walks it. Chunks
 * are 24 wide first: six accumulators plus the weight and six activation vectors are 13 live SIMD
 * registers, which V8 keeps in registers (eight accumulators spilled one to the stack every entry),
 * and six independent multiply-add chains hide more latency than four; then 16, 8, 4 and 1 wide.
 */
export function csrRows(
  rowPtr: usize, offs: usize, vals: usize, rows: i32,
  bBase: usize, n: i32, out: usize, outStride: usize, bias: usize, act: i32,
): void {
  let j: i32 = 0;
  for (; j + 24 <= n; j += 24) {
    const bj = bBase + (<usize>j << 2);
    const oj = out + (<usize>j << 2);
    for (let m: i32 = 0; m < rows; m++) {
      let a0 = f32x4.splat(biasOf(bias, m));
      let a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
      let p = load<i32>(rowPtr + (<usize>m << 2));
      const e = load<i32>(rowPtr + (<usize>(m + 1) << 2));
      for (; p < e; p++) {
        const w = v128.load32_splat(vals + (<usize>p << 2));
        const a = bj + <usize>load<i32>(offs + (<usize>p << 2));
        a0 = madd(w, v128.load(a), a0);
        a1 = madd(w, v128.load(a, 16), a1);
        a2 = madd(w, v128.load(a, 32), a2);
        a3 = madd(w, v128.load(a, 48), a3);
        a4 = madd(w, v128.load(a, 64), a4);
        a5 = madd(w, v128.load(a, 80), a5);
      }
      const o = oj + <usize>m * outStride;
      v128.store(o, act4(a0, act));
      v128.store(o, act4(a1, act), 16);
      v128.store(o, act4(a2, act), 32);
      v128.store(o, act4(a3, act), 48);
      v128.store(o, act4(a4, act), 64);
      v128.store(o, act4(a5, act), 80);
    }
  }
  for (; j + 16 <= n; j += 16) {
    const bj = bBase + (<usize>j << 2);
    const oj = out + (<usize>j << 2);
    for (let m: i32 = 0; m < rows; m++) {
      let a0 = f32x4.splat(biasOf(bias, m));
      let a1 = a0, a2 = a0, a3 = a0;
      let p = load<i32>(rowPtr + (<usize>m << 2));
      const e = load<i32>(rowPtr + (<usize>(m + 1) << 2));
      for (; p < e; p++) {
        const w = v128.load32_splat(vals + (<usize>p << 2));
        const a = bj + <usize>load<i32>(offs + (<usize>p << 2));
        a0 = madd(w, v128.load(a), a0);
        a1 = madd(w, v128.load(a, 16), a1);
        a2 = madd(w, v128.load(a, 32), a2);
        a3 = madd(w, v128.load(a, 48), a3);
      }
      const o = oj + <usize>m * outStride;
      v128.store(o, act4(a0, act));
      v128.store(o, act4(a1, act), 16);
      v128.store(o, act4(a2, act), 32);
      v128.store(o, act4(a3, act), 48);
    }
  }
  for (; j + 8 <= n; j += 8) {
    const bj = bBase + (<usize>j << 2);
    const oj = out + (<usize>j << 2);
    for (let m: i32 = 0; m < rows; m++) {
      let a0 = f32x4.splat(biasOf(bias, m));
      let a1 = a0;
      let p = load<i32>(rowPtr + (<usize>m << 2));
      const e = load<i32>(rowPtr + (<usize>(m + 1) << 2));
      for (; p < e; p++) {
        const w = v128.load32_splat(vals + (<usize>p << 2));
        const a = bj + <usize>load<i32>(offs + (<usize>p << 2));
        a0 = madd(w, v128.load(a), a0);
        a1 = madd(w, v128.load(a, 16), a1);
      }
      const o = oj + <usize>m * outStride;
      v128.store(o, act4(a0, act));
      v128.store(o, act4(a1, act), 16);
    }
  }
  for (; j + 4 <= n; j += 4) {
    const bj = bBase + (<usize>j << 2);
    const oj = out + (<usize>j << 2);
    for (let m: i32 = 0; m < rows; m++) {
      let a0 = f32x4.splat(biasOf(bias, m));
      let p = load<i32>(rowPtr + (<usize>m << 2));
      const e = load<i32>(rowPtr + (<usize>(m + 1) << 2));
      for (; p < e; p++) {
        const w = v128.load32_splat(vals + (<usize>p << 2));
        a0 = madd(w, v128.load(bj + <usize>load<i32>(offs + (<usize>p << 2))), a0);
      }
      v128.store(oj + <usize>m * outStride, act4(a0, act));
    }
  }
  for (; j < n; j++) {
    const bj = bBase + (<usize>j << 2);
    const oj = out + (<usize>j << 2);
    for (let m: i32 = 0; m < rows; m++) {
      let a0: f32 = biasOf(bias, m);
      let a1: f32 = 0;
      let p = load<i32>(rowPtr + (<usize>m << 2));
      const e = load<i32>(rowPtr + (<usize>(m + 1) << 2));
      for (; p + 1 < e; p += 2) {
        const q = <usize>p << 2;
        a0 += load<f32>(vals + q) * load<f32>(bj + <usize>load<i32>(offs + q));
        a1 += load<f32>(vals + q, 4) * load<f32>(bj + <usize>load<i32>(offs + q, 4));
      }
      if (p < e) a0 += load<f32>(vals + (<usize>p << 2)) * load<f32>(bj + <usize>load<i32>(offs + (<usize>p << 2)));
      store<f32>(oj + <usize>m * outStride, act1(a0 + a1, act));
    }
  }
}
