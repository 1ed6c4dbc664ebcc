/**
 * out[s, :] = Σ_{i : ids[i] = s} x[i, :]   for s in [0, segments); ids outside that range are dropped.
 *
 * x [n, d] f32, ids [n] i32, out [segments, d] f32. One pass over x: O(n·d), no one-hot matrix.
 */
export function unsortedSegmentSum(x: usize, ids: usize, out: usize, n: i32, d: i32, segments: i32): void {
  memory.fill(out, 0, (<usize>(segments * d)) << 2);
  const d4 = d & ~3;
  for (let i = 0; i < n; i++) {
    const s = load<i32>(ids + ((<usize>i) << 2));
    if (s < 0 || s >= segments) continue;
    const src = x + ((<usize>(i * d)) << 2);
    const dst = out + ((<usize>(s * d)) << 2);
    let j = 0;
    for (; j < d4; j += 4) {
      const k = (<usize>j) << 2;
      v128.store(dst + k, f32x4.add(v128.load(dst + k), v128.load(src + k)));
    }
    for (; j < d; j++) {
      const k = (<usize>j) << 2;
      store<f32>(dst + k, load<f32>(dst + k) + load<f32>(src + k));
    }
  }
}
