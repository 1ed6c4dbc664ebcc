import { act4, biasOf } from './activation';
import { madd } from './madd';

/**
 * Entries per row per K slice: 256 entries of 2:4 cover 512 rows of a 24-wide panel, 48 KiB of it
 * (10–20% faster than 128 and than 512 in kernel-level A/B runs on the 1024x1024·1024x256 shape).
 */
const SLICE: i32 = 256;

/**
 * N:M rows × a 16-wide dense panel, sliced along K. Every row of an N:M operand holds the same
 * number of entries in column order, so rows m's entries for panel rows [k0, k1) are one fixed,
 * contiguous range: the kernel walks K in slices (each slice of the panel stays in L1 while all
 * rows use it), keeping partial sums in `out` between slices. Rows are `rowPtr[m] = m·perRow`
 * (nmOffsets); columns past the last full 16 are left to csrRows by the caller. Returns the
 * number of columns done (a multiple of 16).
 */
export function nmRows16(
  rowPtr: usize, offs: usize, vals: usize, rows: i32,
  bBase: usize, n: i32, out: usize, outStride: usize, bias: usize, act: i32,
): i32 {
  if (rows == 0) return n;
  const perRow = load<i32>(rowPtr, 4) - load<i32>(rowPtr);
  if (perRow == 0) return 0;
  let j: i32 = 0;
  for (; j + 16 <= n; j += 16) {
    const bj = bBase + (<usize>j << 2);
    const oj = out + (<usize>j << 2);
    for (let c0: i32 = 0; c0 < perRow; c0 += SLICE) {
      const ce = min(SLICE, perRow - c0);
      const first = c0 == 0;
      const last = c0 + ce >= perRow;
      for (let m: i32 = 0; m < rows; m++) {
        const o = oj + <usize>m * outStride;
        let a0: v128, a1: v128, a2: v128, a3: v128;
        if (first) {
          a0 = f32x4.splat(biasOf(bias, m));
          a1 = a0;
          a2 = a0;
          a3 = a0;
        } else {
          a0 = v128.load(o);
          a1 = v128.load(o, 16);
          a2 = v128.load(o, 32);
          a3 = v128.load(o, 48);
        }
        let p = m * perRow + c0;
        const e = p + ce;
        for (; p < e; p++) {
          const w = v128.load32_splat(vals + (<usize>p << 2));
          const a = bj + <usize>load<i32>(offs + (<usize>p << 2));
          a0 = madd(w, v128.load(a), a0);
          a1 = madd(w, v128.load(a, 16), a1);
          a2 = madd(w, v128.load(a, 32), a2);
          a3 = madd(w, v128.load(a, 48), a3);
        }
        if (last) {
          a0 = act4(a0, act);
          a1 = act4(a1, act);
          a2 = act4(a2, act);
          a3 = act4(a3, act);
        }
        v128.store(o, a0);
        v128.store(o, a1, 16);
        v128.store(o, a2, 32);
        v128.store(o, a3, 48);
      }
    }
  }
  return j;
}

/**
 * N:M rows × a 24-wide dense panel (rows `pitch` bytes apart), K-sliced as nmRows16. Six
 * accumulators: with the weight and the six activation vectors that is 13 live SIMD registers,
 * which V8's x64 allocator keeps out of memory (eight accumulators as two 16-wide panels spilled
 * one of them to the stack every entry, a store-to-load chain that halved the FMA rate), and six
 * independent chains cover the fused multiply-add latency. Writes 24 columns of `out`.
 */
export function nmRows24(
  rowPtr: usize, offs: usize, vals: usize, rows: i32,
  bBase: usize, out: usize, outStride: usize, bias: usize, act: i32,
): void {
  if (rows == 0) return;
  const perRow = load<i32>(rowPtr, 4) - load<i32>(rowPtr);
  for (let c0: i32 = 0; c0 < max(perRow, 1); c0 += SLICE) {
    const ce = min(SLICE, perRow - c0);
    const first = c0 == 0;
    const last = c0 + ce >= perRow;
    for (let m: i32 = 0; m < rows; m++) {
      const o = out + <usize>m * outStride;
      let a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128;
      if (first) {
        a0 = f32x4.splat(biasOf(bias, m));
        a1 = a0; a2 = a0; a3 = a0; a4 = a0; a5 = a0;
      } else {
        a0 = v128.load(o); a1 = v128.load(o, 16); a2 = v128.load(o, 32);
        a3 = v128.load(o, 48); a4 = v128.load(o, 64); a5 = v128.load(o, 80);
      }
      let p = m * perRow + c0;
      const e = p + ce;
      for (; p < e; p++) {
        const w = v128.load32_splat(vals + (<usize>p << 2));
        const a = bBase + <usize>load<i32>(offs + (<usize>p << 2));
        a0 = madd(w, v128.load(a), a0);
        a1 = madd(w, v128.load(a, 16), a1);
        a2 = madd(w, v128.load(a, 32), a2);
        a3 = madd(w, v128.load(a, 48), a3);
        a4 = madd(w, v128.load(a, 64), a4);
        a5 = madd(w, v128.load(a, 80), a5);
      }
      if (last) {
        a0 = act4(a0, act); a1 = act4(a1, act); a2 = act4(a2, act);
        a3 = act4(a3, act); a4 = act4(a4, act); a5 = act4(a5, act);
      }
      v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32);
      v128.store(o, a3, 48); v128.store(o, a4, 64); v128.store(o, a5, 80);
    }
  }
}
