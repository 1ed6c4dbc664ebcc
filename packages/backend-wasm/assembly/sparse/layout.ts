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
  const groups = perRow / n;
  let q: usize = 0;
  for (let r: i32 = 0; r < rows; r++) {
    for (let g: i32 = 0; g < groups; g++) {
      const base = g * m;
      for (let j: i32 = 0; j < n; j++) {
        store<i32>(out + (q << 2), (base + load<i32>(indices + (q << 2))) * mult);
        q++;
      }
    }
  }
}

/**
 * Turns plain filter columns ((ky·kw + kx)·cin + ci) into byte offsets into a [cin][hp][wp] plane
 * stack. A table over all kh·kw·cin columns is built first (no divisions), then each entry looks
 * its column up; `table` is scratch of kh·kw·cin ints.
 */
export function convOffsets(
  offs: usize, count: i32, cin: i32, kh: i32, kw: i32, dh: i32, dw: i32, hp: i32, wp: i32, table: usize,
): void {
  let col: usize = 0;
  for (let ky: i32 = 0; ky < kh; ky++) {
    for (let kx: i32 = 0; kx < kw; kx++) {
      const shift = ky * dh * wp + kx * dw;
      for (let ci: i32 = 0; ci < cin; ci++) {
        store<i32>(table + (col << 2), (ci * hp * wp + shift) << 2);
        col++;
      }
    }
  }
  for (let p: i32 = 0; p < count; p++) {
    const q = offs + (<usize>p << 2);
    store<i32>(q, load<i32>(table + (<usize>load<i32>(q) << 2)));
  }
}

// @ts-ignore: decorator
@inline
function tr4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcStride);
  const r2 = v128.load(src + 2 * srcStride);
  const r3 = v128.load(src + 3 * srcStride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/**
 * dst[c·dstStride + 4r] = src[r·srcStride + 4c] for r < rows, c < cols (strides in bytes), in 4×4
 * SIMD tiles with scalar edges.
 */
export function transposeStrided(src: usize, rows: i32, cols: i32, srcStride: usize, dst: usize, dstStride: usize): void {
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  for (let r: i32 = 0; r < rows4; r += 4) {
    const s = src + <usize>r * srcStride;
    const d = dst + (<usize>r << 2);
    for (let c: i32 = 0; c < cols4; c += 4) tr4(s + (<usize>c << 2), srcStride, d + <usize>c * dstStride, dstStride);
    for (let c = cols4; c < cols; c++) {
      for (let i: i32 = 0; i < 4; i++) {
        store<f32>(d + <usize>c * dstStride + (<usize>i << 2), load<f32>(s + <usize>i * srcStride + (<usize>c << 2)));
      }
    }
  }
  for (let r = rows4; r < rows; r++) {
    for (let c: i32 = 0; c < cols; c++) {
      store<f32>(dst + <usize>c * dstStride + (<usize>r << 2), load<f32>(src + <usize>r * srcStride + (<usize>c << 2)));
    }
  }
}

/**
 * Copies one NHWC image [h][w][c] into channel planes [c][hp][wp] at (padT, padL), clipping what
 * falls outside. The planes are zeroed first unless the image covers them exactly; the slack after
 * the planes (up to `total` floats) is always zeroed.
 */
export function packPlanes(x: usize, h: i32, w: i32, c: i32, padT: i32, padL: i32, hp: i32, wp: i32, dst: usize, total: i32): void {
  const planes = c * hp * wp;
  if (padT == 0 && padL == 0 && hp <= h && wp <= w) {
    memory.fill(dst + (<usize>planes << 2), 0, <usize>(total - planes) << 2);
  } else {
    memory.fill(dst, 0, <usize>total << 2);
  }
  const x0 = max(0, -padL);
  const x1 = min(w, wp - padL);
  if (x1 <= x0) return;
  const planeBytes = <usize>(hp * wp) << 2;
  for (let y: i32 = 0; y < h; y++) {
    const py = y + padT;
    if (py < 0 || py >= hp) continue;
    const src = x + (<usize>((y * w + x0) * c) << 2);
    const d = dst + (<usize>(py * wp + x0 + padL) << 2);
    transposeStrided(src, x1 - x0, c, <usize>c << 2, d, planeBytes);
  }
}

/** dst[(y·w + x)·c + ci] = src[(ci·h + y)·srcW + x]: channel planes (row pitch srcW) back to NHWC. */
export function planesToNhwc(src: usize, c: i32, h: i32, w: i32, srcW: i32, dst: usize): void {
  const planeBytes = <usize>(h * srcW) << 2;
  for (let y: i32 = 0; y < h; y++) {
    transposeStrided(src + (<usize>(y * srcW) << 2), c, w, planeBytes, dst + (<usize>(y * w * c) << 2), <usize>c << 2);
  }
}

/** dst[c·rows + r] = src[r·cols + c]. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  transposeStrided(src, rows, cols, <usize>cols << 2, dst, <usize>rows << 2);
}

/**
 * Max-pools channel planes [c][h][srcW] over ph×pw windows with stride ph×pw ('valid') into compact
 * planes [c][h/ph][w/pw] (then planesToNhwc writes them out). 2×2 windows take a SIMD path: a
 * vertical pmax of two rows, then a pmax of the even and odd lanes, 4 outputs at a time.
 */
export function planesPool(src: usize, c: i32, h: i32, w: i32, srcW: i32, ph: i32, pw: i32, dst: usize): void {
  const oh = h / ph;
  const ow = w / pw;
  const rowBytes = <usize>srcW << 2;
  for (let ci: i32 = 0; ci < c; ci++) {
    const s = src + <usize>(ci * h) * rowBytes;
    const d = dst + (<usize>(ci * oh * ow) << 2);
    for (let py: i32 = 0; py < oh; py++) {
      const r0 = s + <usize>(py * ph) * rowBytes;
      const o = d + (<usize>(py * ow) << 2);
      let px: i32 = 0;
      if (ph == 2 && pw == 2) {
        for (; px + 4 <= ow; px += 4) {
          const a = r0 + (<usize>(px * 2) << 2);
          const lo = f32x4.pmax(v128.load(a), v128.load(a + rowBytes));
          const hi = f32x4.pmax(v128.load(a, 16), v128.load(a + rowBytes, 16));
          const even = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6);
          const odd = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
          v128.store(o + (<usize>px << 2), f32x4.pmax(even, odd));
        }
      }
      for (; px < ow; px++) {
        let m = load<f32>(r0 + (<usize>(px * pw) << 2));
        for (let dy: i32 = 0; dy < ph; dy++) {
          const row = r0 + <usize>dy * rowBytes + (<usize>(px * pw) << 2);
          for (let dx: i32 = 0; dx < pw; dx++) {
            const v = load<f32>(row + (<usize>dx << 2));
            m = m < v ? v : m;
          }
        }
        store<f32>(o + (<usize>px << 2), m);
      }
    }
  }
}
