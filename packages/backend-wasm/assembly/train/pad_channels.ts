/**
 * Copies `rows` rows of `c` floats to rows of `cPad` floats (cPad ≥ c), zero-filling the tail, so
 * the SIMD kernels can assume channel counts that are multiples of their tile.
 */
export function padChannels(src: usize, dst: usize, rows: i32, c: i32, cPad: i32): void {
  const tail = (<usize>(cPad - c)) << 2;
  for (let r = 0; r < rows; r++) {
    const s = src + ((<usize>(r * c)) << 2);
    const d = dst + ((<usize>(r * cPad)) << 2);
    memory.copy(d, s, (<usize>c) << 2);
    if (tail > 0) memory.fill(d + ((<usize>c) << 2), 0, tail);
  }
}

/** The inverse of padChannels: keeps the first `c` of every `cPad` floats. */
export function unpadChannels(src: usize, dst: usize, rows: i32, c: i32, cPad: i32): void {
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + ((<usize>(r * c)) << 2), src + ((<usize>(r * cPad)) << 2), (<usize>c) << 2);
  }
}
