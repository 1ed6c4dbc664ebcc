import { bsrRows } from './bsr_rows';
import { csrRows } from './csr_rows';
import { nmRows16, nmRows24 } from './nm_rows';
import { transposeStrided } from './layout';

/** Columns of the dense operand per panel: 16 floats = one 64-byte panel row (a 1024-row panel is
 * 64 KiB; 16 measured faster than 32 and 8 for CSR and BSR 4x1). */
const PANEL: i32 = 16;
const PANEL_BYTES: usize = 64;
/** N:M in spmmKn: 24-column panels (96-byte rows) for nmRows24; offsets are then column·96. */
const NM_PANEL: i32 = 24;
const NM_PANEL_BYTES: usize = 96;

// @ts-ignore: decorator
@inline
function rowsKernel(
  kind: i32, rowPtr: usize, offs: usize, vals: usize, rows: i32, r: i32, c: i32,
  panel: usize, n: i32, out: usize, outStride: usize, bias: usize, act: i32,
): void {
  if (kind == 0) csrRows(rowPtr, offs, vals, rows, panel, n, out, outStride, bias, act);
  else if (kind == 2) {
    const done = nmRows16(rowPtr, offs, vals, rows, panel, n, out, outStride, bias, act);
    if (done < n) {
      const d = <usize>done << 2;
      csrRows(rowPtr, offs, vals, rows, panel + d, n - done, out + d, outStride, bias, act);
    }
  } else bsrRows(rowPtr, offs, vals, rows, r, c, panel, n, out, outStride, bias, act);
}

/** Copies 16 columns of k rows (`rowBytes` apart) into a contiguous k × 64-byte panel. */
function copyPanel(src: usize, k: i32, rowBytes: usize, panel: usize): void {
  for (let q: i32 = 0; q < k; q++) {
    const s = src + <usize>q * rowBytes;
    const d = panel + <usize>q * PANEL_BYTES;
    v128.store(d, v128.load(s));
    v128.store(d, v128.load(s, 16), 16);
    v128.store(d, v128.load(s, 32), 32);
    v128.store(d, v128.load(s, 48), 48);
  }
}

/**
 * out[M, N] = act(S·B + bias) for B `[k, n]` row-major. Each 16-column slice of B is first copied
 * into a contiguous panel (k rows of 64 bytes), so every entry's loads hit one dense, cache-friendly
 * buffer instead of rows a power-of-two stride apart. `offs` hold column·64 (see csrOffsets).
 * kind 0: CSR-like rows (rows = output rows); kind 1: BSR (rows = block rows, blocks r×c);
 * kind 2: N:M rows (equal entries per row), K-sliced, over 24-column panels with 96-byte rows (offs =
 * column·96; a last block narrower than 24 columns keeps that row pitch).
 */
export function spmmKn(
  kind: i32, rowPtr: usize, offs: usize, vals: usize, rows: i32, r: i32, c: i32,
  b: usize, k: i32, n: i32, out: usize, bias: usize, act: i32, panel: usize,
): void {
  const rowBytes = <usize>n << 2;
  const pitch = kind == 2 ? NM_PANEL_BYTES : PANEL_BYTES;
  let j0: i32 = 0;
  if (kind == 2) {
    for (; j0 + NM_PANEL <= n; j0 += NM_PANEL) {
      const src = b + (<usize>j0 << 2);
      for (let q: i32 = 0; q < k; q++) {
        const s = src + <usize>q * rowBytes;
        const d = panel + <usize>q * NM_PANEL_BYTES;
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        v128.store(d, v128.load(s, 32), 32);
        v128.store(d, v128.load(s, 48), 48);
        v128.store(d, v128.load(s, 64), 64);
        v128.store(d, v128.load(s, 80), 80);
      }
      nmRows24(rowPtr, offs, vals, rows, panel, out + (<usize>j0 << 2), rowBytes, bias, act);
    }
  }
  for (; j0 < n; j0 += PANEL) {
    const w = min(PANEL, n - j0);
    const src = b + (<usize>j0 << 2);
    if (w == PANEL && kind != 2) {
      copyPanel(src, k, rowBytes, panel);
    } else {
      for (let q: i32 = 0; q < k; q++) memory.copy(panel + <usize>q * pitch, src + <usize>q * rowBytes, <usize>w << 2);
    }
    rowsKernel(kind, rowPtr, offs, vals, rows, r, c, panel, w, out + (<usize>j0 << 2), rowBytes, bias, act);
  }
}

/**
 * out[N, M] = act(X·Sᵀ + bias) for X `[n, k]` row-major — a Dense layer's input, or an NHWC image as
 * [pixels, channels] (a 1×1 stride-1 conv). 16 rows of X at a time are transposed into a panel
 * (k rows of 16), the rows kernel writes a [m, 16] result panel, which is transposed into out.
 */
export function spmmNk(
  kind: i32, rowPtr: usize, offs: usize, vals: usize, rows: i32, r: i32, c: i32, m: i32,
  x: usize, k: i32, n: i32, out: usize, bias: usize, act: i32, panel: usize, outPanel: usize,
): void {
  for (let j0: i32 = 0; j0 < n; j0 += PANEL) {
    const w = min(PANEL, n - j0);
    transposeStrided(x + <usize>j0 * (<usize>k << 2), w, k, <usize>k << 2, panel, PANEL_BYTES);
    rowsKernel(kind, rowPtr, offs, vals, rows, r, c, panel, w, outPanel, PANEL_BYTES, bias, act);
    transposeStrided(outPanel, m, w, PANEL_BYTES, out + <usize>j0 * (<usize>m << 2), <usize>m << 2);
  }
}
