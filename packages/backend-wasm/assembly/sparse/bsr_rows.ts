import { act1, act4, biasOf } from './activation';
import { madd } from './madd';

/**
 * Block-sparse rows (r×c blocks) × dense panel. Entry (block p, column j < c) has its dense row at
 * byte offset offs[p·c + j] and r values at vals[(p·c + j)·r ..]. For r a multiple of 4 the kernel keeps 4 rows × 8
 * columns of accumulators so each loaded activation vector feeds 4 outputs; other r fall back to a
 * row-at-a-time loop over the same layout.
 */
export function bsrRows(
  rowPtr: usize, offs: usize, vals: usize, blockRows: i32, r: i32, c: i32,
  bBase: usize, n: i32, out: usize, outStride: usize, bias: usize, act: i32,
): void {
  if ((r & 3) == 0) {
    // Blocks of 4k rows: k passes of the 4-row kernel, each over its own 4 rows of every block.
    for (let i0: i32 = 0; i0 < r; i0 += 4) bsr4(rowPtr, offs, vals, blockRows, r, i0, c, bBase, n, out, outStride, bias, act);
    return;
  }
  for (let br: i32 = 0; br < blockRows; br++) {
    for (let i: i32 = 0; i < r; i++) {
      bsrOneRow(rowPtr, offs, vals, br, i, r, c, bBase, n, out, outStride, bias, act);
    }
  }
}

function bsrOneRow(
  rowPtr: usize, offs: usize, vals: usize, br: i32, i: i32, r: i32, c: i32,
  bBase: usize, n: i32, out: usize, outStride: usize, bias: usize, act: i32,
): void {
  const m = br * r + i;
  const s = load<i32>(rowPtr + (<usize>br << 2)) * c;
  const e = load<i32>(rowPtr + (<usize>(br + 1) << 2)) * c;
  const o = out + <usize>m * outStride;
  let j: i32 = 0;
  for (; j + 8 <= n; j += 8) {
    const bj = bBase + (<usize>j << 2);
    let a0 = f32x4.splat(biasOf(bias, m));
    let a1 = a0;
    for (let q = s; q < e; q++) {
      const w = v128.load32_splat(vals + (<usize>(q * r + i) << 2));
      const a = bj + <usize>load<i32>(offs + (<usize>q << 2));
      a0 = madd(w, v128.load(a), a0);
      a1 = madd(w, v128.load(a, 16), a1);
    }
    v128.store(o + (<usize>j << 2), act4(a0, act));
    v128.store(o + (<usize>j << 2), act4(a1, act), 16);
  }
  for (; j < n; j++) {
    const bj = bBase + (<usize>j << 2);
    let a: f32 = biasOf(bias, m);
    for (let q = s; q < e; q++) {
      a += load<f32>(vals + (<usize>(q * r + i) << 2)) * load<f32>(bj + <usize>load<i32>(offs + (<usize>q << 2)));
    }
    store<f32>(o + (<usize>j << 2), act1(a, act));
  }
}

function bsr4(
  rowPtr: usize, offs: usize, vals: usize, blockRows: i32, r: i32, i0: i32, c: i32,
  bBase: usize, n: i32, out: usize, outStride: usize, bias: usize, act: i32,
): void {
  let j: i32 = 0;
  for (; j + 8 <= n; j += 8) {
    const bj = bBase + (<usize>j << 2);
    const oj = out + (<usize>j << 2);
    for (let br: i32 = 0; br < blockRows; br++) {
      const m = br * r + i0;
      let a00 = f32x4.splat(biasOf(bias, m)), a01 = a00;
      let a10 = f32x4.splat(biasOf(bias, m + 1)), a11 = a10;
      let a20 = f32x4.splat(biasOf(bias, m + 2)), a21 = a20;
      let a30 = f32x4.splat(biasOf(bias, m + 3)), a31 = a30;
      const s = load<i32>(rowPtr + (<usize>br << 2)) * c;
      const e = load<i32>(rowPtr + (<usize>(br + 1) << 2)) * c;
      for (let q = s; q < e; q++) {
        const a = bj + <usize>load<i32>(offs + (<usize>q << 2));
        const x0 = v128.load(a);
        const x1 = v128.load(a, 16);
        const v = vals + (<usize>(q * r + i0) << 2);
        const w0 = v128.load32_splat(v);
        a00 = madd(w0, x0, a00);
        a01 = madd(w0, x1, a01);
        const w1 = v128.load32_splat(v, 4);
        a10 = madd(w1, x0, a10);
        a11 = madd(w1, x1, a11);
        const w2 = v128.load32_splat(v, 8);
        a20 = madd(w2, x0, a20);
        a21 = madd(w2, x1, a21);
        const w3 = v128.load32_splat(v, 12);
        a30 = madd(w3, x0, a30);
        a31 = madd(w3, x1, a31);
      }
      const o = oj + <usize>m * outStride;
      v128.store(o, act4(a00, act));
      v128.store(o, act4(a01, act), 16);
      v128.store(o + outStride, act4(a10, act));
      v128.store(o + outStride, act4(a11, act), 16);
      v128.store(o + 2 * outStride, act4(a20, act));
      v128.store(o + 2 * outStride, act4(a21, act), 16);
      v128.store(o + 3 * outStride, act4(a30, act));
      v128.store(o + 3 * outStride, act4(a31, act), 16);
    }
  }
  if (j < n) {
    // Column tail: the generic row loop on the remaining columns.
    for (let br: i32 = 0; br < blockRows; br++) {
      for (let i = i0; i < i0 + 4; i++) {
        bsrOneRow(rowPtr, offs, vals, br, i, r, c, bBase + (<usize>j << 2), n - j, out + (<usize>j << 2), outStride, bias, act);
      }
    }
  }
}
