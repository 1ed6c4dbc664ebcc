// Index tables and data movement around the row kernels: byte-offset tables per stored entry,
// N:M expansion, NHWC ⇄ channel-planar packing and transposes.

/** offs[p] = cols[p] · mult, for CSR columns (mult = bytes per dense row, or 1 for plain columns). */
export function csrOffsets(cols: usize, count: i32, mult: i32, out: usize): void {
  for (let p: i32 = 0; p < count; p++) {
    store<i32>(out + (<usize>p << 2), load<i32>(cols + (<usize>p << 2)) * mult);
  }
}

/** offs[p·c + j] = (blockCol[p]·c + j) · mult for every stored block p. */
export function bsrOffsets(blockCols: usize, blocks: i32, c: i32, mult: i32, out: usize): void {
  for (let p: i32 = 0; p < blocks; p++) {
    const base = load<i32>(blockCols + (<usize>p << 2)) * c;
    for (let j: i32 = 0; j < c; j++) store<i32>(out + (<usize>(p * c + j) << 2), (base + j) * mult);
  }
}

/** N:M → row pointers (constant row length) and offs[q] = (group·m + index) · mult. */
export function nmOffsets(indices: usize, rows: i32, perRow: i32, n: i32, m: i32, mult: i32, out: usize, rowPtr: usize): void {
  for (let r: i32 = 0; r <= rows; r++) store<i32>(rowPtr + (<usize>r << 2), r * perRow);
  const count = rows * perRow;
  for (let q: i32 = 0; q < count; q++) {
    const k = q % perRow;
    const col = (k / n) * m + load<i32>(indices + (<usize>q << 2));
    store<i32>(out + (<usize>q << 2), col * mult);
  }
}

/** Turns plain filter columns ((ky·kw + kx)·cin + ci) into byte offsets into a [cin][hp][wp] plane stack. */
export function convOffsets(offs: usize, count: i32, cin: i32, kw: i32, dh: i32, dw: i32, hp: i32, wp: i32): void {
  for (let p: i32 = 0; p < count; p++) {
    const col = load<i32>(offs + (<usize>p << 2));
    const ci = col % cin;
    const t = col / cin;
    const ky = t / kw;
    const kx = t % kw;
    store<i32>(offs + (<usize>p << 2), ((ci * hp + ky * dh) * wp + kx * dw) << 2);
  }
}

/**
 * Copies one NHWC image [h][w][c] into zeroed channel planes [c][hp][wp] at (padT, padL), clipping
 * what falls outside; `total` floats of dst are cleared first (planes plus slack).
 */
export function packPlanes(x: usize, h: i32, w: i32, c: i32, padT: i32, padL: i32, hp: i32, wp: i32, dst: usize, total: i32): void {
  memory.fill(dst, 0, <usize>total << 2);
  for (let y: i32 = 0; y < h; y++) {
    const py = y + padT;
    if (py < 0 || py >= hp) continue;
    for (let xx: i32 = 0; xx < w; xx++) {
      const px = xx + padL;
      if (px < 0 || px >= wp) continue;
      const src = x + (<usize>((y * w + xx) * c) << 2);
      const d = dst + (<usize>(py * wp + px) << 2);
      const plane = <usize>(hp * wp) << 2;
      for (let ci: i32 = 0; ci < c; ci++) store<f32>(d + <usize>ci * plane, load<f32>(src + (<usize>ci << 2)));
    }
  }
}

/** dst[(y·w + x)·c + ci] = src[(ci·h + y)·srcW + x]: channel planes (row pitch srcW) back to NHWC. */
export function planesToNhwc(src: usize, c: i32, h: i32, w: i32, srcW: i32, dst: usize): void {
  for (let y: i32 = 0; y < h; y++) {
    for (let x: i32 = 0; x < w; x++) {
      const d = dst + (<usize>((y * w + x) * c) << 2);
      const s = src + (<usize>(y * srcW + x) << 2);
      const plane = <usize>(h * srcW) << 2;
      for (let ci: i32 = 0; ci < c; ci++) store<f32>(d + (<usize>ci << 2), load<f32>(s + <usize>ci * plane));
    }
  }
}

/** dst[c·rows + r] = src[r·cols + c] in 8×8 tiles. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r0: i32 = 0; r0 < rows; r0 += 8) {
    const r1 = min(r0 + 8, rows);
    for (let c0: i32 = 0; c0 < cols; c0 += 8) {
      const c1 = min(c0 + 8, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(src + (<usize>(r * cols + c) << 2)));
        }
      }
    }
  }
}
