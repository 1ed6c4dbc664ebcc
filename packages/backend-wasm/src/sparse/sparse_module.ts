import { kernelBytes } from '../kernel_files.js';

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
/** Panel row of spmmKn for N:M operands (24 floats, nmRows24) and its bytes: their offsets multiplier. */
export const NM_PANEL_WIDTH = 24;
export const NM_PANEL_BYTES = 96;

/** Which build of the sparse kernels runs: fused multiply-adds (relaxed SIMD) or plain SIMD128. */
export type SparseBuild = 'relaxed-simd' | 'simd';

let chosen: { build: SparseBuild; bytes: Uint8Array<ArrayBuffer> } | undefined;
const instances = new WeakMap<WebAssembly.Memory, SparseWasm>();

/**
 * The kernel build this engine runs: build/sparse-relaxed.wasm (f32x4.relaxed_madd, a fused
 * multiply-add per weight·activation) when WebAssembly.validate accepts it — engines with relaxed
 * SIMD on (Chrome ≥ 114, Node ≥ 22; Node 20 with --experimental-wasm-relaxed-simd) — else the
 * plain SIMD128 build/sparse.wasm. Decided once, on first use.
 */
export function sparseBuild(): SparseBuild {
  if (!chosen) {
    const relaxed = kernelBytes('sparse-relaxed.wasm');
    chosen = WebAssembly.validate(relaxed)
      ? { build: 'relaxed-simd', bytes: relaxed }
      : { build: 'simd', bytes: kernelBytes('sparse.wasm') };
  }
  return chosen.build;
}

/**
 * The sparse kernel module instantiated on tfjs-backend-wasm's own memory, so kernels work on
 * tensors in place (the module has no data segments and allocates nothing). One instance per memory.
 */
export function sparseModule(memory: WebAssembly.Memory): SparseWasm {
  const cached = instances.get(memory);
  if (cached) return cached;
  sparseBuild();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(chosen!.bytes), { env: { memory } });
  const exports = instance.exports as unknown as SparseWasm;
  instances.set(memory, exports);
  return exports;
}
