/**
 * out[c] = Σ_r x[r, c] over x [rows, cols] (row-major): a Sum over a tensor's leading axes, as
 * every bias gradient runs (NHWC dy summed over N, H, W).
 *
 * Sixteen columns at a time live in four v128 accumulators while the rows stream past (one load
 * and one add per four floats, no stores until the end); then four at a time; then one. Rows are
 * added in blocks of BLOCK into a block total that is then added to the running total, which keeps
 * the rounding error of long sums (32k rows) near that of a pairwise sum.
 */
const BLOCK = 256;

export function columnSum(x: usize, out: usize, rows: i32, cols: i32): void {
  const stride = (<usize>cols) << 2;
  let c = 0;
  for (; c + 16 <= cols; c += 16) {
    const base = x + ((<usize>c) << 2);
    let t0 = f32x4.splat(0),
      t1 = f32x4.splat(0),
      t2 = f32x4.splat(0),
      t3 = f32x4.splat(0);
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = min(r0 + BLOCK, rows);
      let b0 = f32x4.splat(0),
        b1 = f32x4.splat(0),
        b2 = f32x4.splat(0),
        b3 = f32x4.splat(0);
      let p = base + <usize>r0 * stride;
      for (let r = r0; r < r1; r++) {
        b0 = f32x4.add(b0, v128.load(p));
        b1 = f32x4.add(b1, v128.load(p, 16));
        b2 = f32x4.add(b2, v128.load(p, 32));
        b3 = f32x4.add(b3, v128.load(p, 48));
        p += stride;
      }
      t0 = f32x4.add(t0, b0);
      t1 = f32x4.add(t1, b1);
      t2 = f32x4.add(t2, b2);
      t3 = f32x4.add(t3, b3);
    }
    const o = out + ((<usize>c) << 2);
    v128.store(o, t0);
    v128.store(o, t1, 16);
    v128.store(o, t2, 32);
    v128.store(o, t3, 48);
  }
  for (; c + 4 <= cols; c += 4) {
    const base = x + ((<usize>c) << 2);
    let t = f32x4.splat(0);
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = min(r0 + BLOCK, rows);
      let b = f32x4.splat(0);
      let p = base + <usize>r0 * stride;
      for (let r = r0; r < r1; r++) {
        b = f32x4.add(b, v128.load(p));
        p += stride;
      }
      t = f32x4.add(t, b);
    }
    v128.store(out + ((<usize>c) << 2), t);
  }
  for (; c < cols; c++) {
    const base = x + ((<usize>c) << 2);
    let t: f32 = 0;
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = min(r0 + BLOCK, rows);
      let b: f32 = 0;
      let p = base + <usize>r0 * stride;
      for (let r = r0; r < r1; r++) {
        b += load<f32>(p);
        p += stride;
      }
      t += b;
    }
    store<f32>(out + ((<usize>c) << 2), t);
  }
}
