import { readFileSync } from 'node:fs';
import { BackendError } from '@prunekit/core';

/** Exports of build/sparse.wasm (assembly/sparse): every argument a byte address or an i32. */
export interface SparseWasm {
  csrRows(
    rowPtr: number,
    offs: number,
    vals: number,
    rows: number,
    b: number,
    n: number,
    out: number,
    outStride: number,
    bias: number,
    act: number,
  ): void;
  bsrRows(
    rowPtr: number,
    offs: number,
    vals: number,
    blockRows: number,
    r: number,
    c: number,
    b: number,
    n: number,
    out: number,
    outStride: number,
    bias: number,
    act: number,
  ): void;
  stridedRows(
    rowPtr: number,
    offs: number,
    vals: number,
    rows: number,
    planes: number,
    ho: number,
    wo: number,
    sh: number,
    sw: number,
    wp: number,
    out: number,
    bias: number,
    act: number,
  ): void;
  csrOffsets(cols: number, count: number, mult: number, out: number): void;
  bsrOffsets(blockCols: number, blocks: number, c: number, mult: number, out: number): void;
  nmOffsets(
    indices: number,
    rows: number,
    perRow: number,
    n: number,
    m: number,
    mult: number,
    out: number,
    rowPtr: number,
  ): void;
  convOffsets(
    offs: number,
    count: number,
    cin: number,
    kh: number,
    kw: number,
    dh: number,
    dw: number,
    hp: number,
    wp: number,
    table: number,
  ): void;
  packPlanes(
    x: number,
    h: number,
    w: number,
    c: number,
    padT: number,
    padL: number,
    hp: number,
    wp: number,
    dst: number,
    total: number,
  ): void;
  planesToNhwc(src: number, c: number, h: number, w: number, srcW: number, dst: number): void;
  planesPool(
    src: number,
    c: number,
    h: number,
    w: number,
    srcW: number,
    ph: number,
    pw: number,
    dst: number,
  ): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  spmmKn(
    kind: number,
    rowPtr: number,
    offs: number,
    vals: number,
    rows: number,
    r: number,
    c: number,
    b: number,
    k: number,
    n: number,
    out: number,
    bias: number,
    act: number,
    panel: number,
  ): void;
  spmmNk(
    kind: number,
    rowPtr: number,
    offs: number,
    vals: number,
    rows: number,
    r: number,
    c: number,
    m: number,
    x: number,
    k: number,
    n: number,
    out: number,
    bias: number,
    act: number,
    panel: number,
    outPanel: number,
  ): void;
}

/** Bytes per panel row in spmmKn / spmmNk (16 floats): the offsets multiplier for panel kernels. */
export const PANEL_BYTES = 64;
/** Floats per panel row. */
export const PANEL_WIDTH = 16;

let bytes: Uint8Array<ArrayBuffer> | undefined;
const instances = new WeakMap<WebAssembly.Memory, SparseWasm>();

/**
 * The sparse kernel module instantiated on tfjs-backend-wasm's own memory, so kernels work on
 * tensors in place (the module has no data segments and allocates nothing). One instance per memory.
 */
export function sparseModule(memory: WebAssembly.Memory): SparseWasm {
  const cached = instances.get(memory);
  if (cached) return cached;
  if (!bytes) {
    const url = new URL('../../build/sparse.wasm', import.meta.url);
    try {
      bytes = new Uint8Array(readFileSync(url));
    } catch (e) {
      throw new BackendError(
        `Cannot read ${url.pathname}: build @prunekit/backend-wasm first (pnpm --filter @prunekit/backend-wasm build).`,
        { cause: String(e) },
      );
    }
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const exports = instance.exports as unknown as SparseWasm;
  instances.set(memory, exports);
  return exports;
}
