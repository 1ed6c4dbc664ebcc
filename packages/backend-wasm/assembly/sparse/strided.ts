import { act1, biasOf } from './activation';

/**
 * Scalar conv for strides > 1 over padded planes: out[m][oy][ox] = act(bias[m] + Σ vals[p] ·
 * plane f32 at offs[p] + 4·(oy·sh·wp + ox·sw)). Correct for every geometry; not the fast path.
 */
export function stridedRows(
  rowPtr: usize, offs: usize, vals: usize, rows: i32, planes: usize,
  ho: i32, wo: i32, sh: i32, sw: i32, wp: i32, out: usize, bias: usize, act: i32,
): void {
  for (let m: i32 = 0; m < rows; m++) {
    const s = load<i32>(rowPtr + (<usize>m << 2));
    const e = load<i32>(rowPtr + (<usize>(m + 1) << 2));
    const b = biasOf(bias, m);
    for (let oy: i32 = 0; oy < ho; oy++) {
      for (let ox: i32 = 0; ox < wo; ox++) {
        const base = planes + (<usize>(oy * sh * wp + ox * sw) << 2);
        let a: f32 = b;
        for (let p = s; p < e; p++) {
          a += load<f32>(vals + (<usize>p << 2)) * load<f32>(base + <usize>load<i32>(offs + (<usize>p << 2)));
        }
        store<f32>(out + (<usize>((m * ho + oy) * wo + ox) << 2), act1(a, act));
      }
    }
  }
}
