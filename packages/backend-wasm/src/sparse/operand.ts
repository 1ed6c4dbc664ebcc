import { type SparseAttrs, type SparseOperandInputs, expandRows } from '@prunekit/sparse';
import type { SparseWasm } from './sparse_module.js';
import { type Scratch, type WasmBackendLike, addressOf } from './wasm_backend.js';

/**
 * A sparse operand ready for the row kernels: row pointers, values, and one byte offset per stored
 * column entry (`mult` bytes per column; conv callers pass 1 and remap the columns afterwards).
 * CSR and BSR values and row pointers are used in place; N:M gets scratch row pointers.
 */
export interface PreparedOperand {
  kind: 'rows' | 'blocks';
  rowPtr: number;
  offs: number;
  vals: number;
  /** Rows (kind 'rows') or block rows (kind 'blocks'). */
  rows: number;
  r: number;
  c: number;
  /** Number of entries in the offsets table. */
  entries: number;
  /** Every row holds the same number of entries in column order (N:M): the K-sliced panel kernel. */
  equalRows?: boolean;
}

/** Where prepareOperand puts its tables: a per-call Scratch, the Workspace, or a kept buffer set. */
export type Allocator = Pick<Scratch, 'alloc'>;

export function prepareOperand(
  mod: SparseWasm,
  backend: WasmBackendLike,
  scratch: Allocator,
  a: SparseAttrs,
  inputs: SparseOperandInputs,
  mult: number,
  rowsOnly = false,
): PreparedOperand {
  const vals = addressOf(backend, inputs.values);
  const idx = addressOf(backend, inputs.indices);
  const count = inputs.indices.shape[0];
  if (a.format === 'csr') {
    const offs = scratch.alloc(count);
    mod.csrOffsets(idx, count, mult, offs);
    return {
      kind: 'rows',
      rowPtr: addressOf(backend, inputs.rowPtr),
      offs,
      vals,
      rows: a.rows,
      r: 1,
      c: 1,
      entries: count,
    };
  }
  if (a.format === 'nm') {
    const offs = scratch.alloc(count);
    const rowPtr = scratch.alloc(a.rows + 1);
    mod.nmOffsets(idx, a.rows, (a.cols / a.m) * a.n, a.n, a.m, mult, offs, rowPtr);
    return { kind: 'rows', rowPtr, offs, vals, rows: a.rows, r: 1, c: 1, entries: count, equalRows: true };
  }
  if (rowsOnly) return expandedBsr(mod, backend, scratch, a, inputs, mult);
  const offs = scratch.alloc(count * a.blockCols);
  mod.bsrOffsets(idx, count, a.blockCols, mult, offs);
  return {
    kind: 'blocks',
    rowPtr: addressOf(backend, inputs.rowPtr),
    offs,
    vals,
    rows: a.rows / a.blockRows,
    r: a.blockRows,
    c: a.blockCols,
    entries: count * a.blockCols,
  };
}

/** BSR re-expressed as plain rows (for the scalar strided conv), copied into scratch. */
function expandedBsr(
  mod: SparseWasm,
  backend: WasmBackendLike,
  scratch: Allocator,
  a: SparseAttrs,
  inputs: SparseOperandInputs,
  mult: number,
): PreparedOperand {
  const heap = backend.wasm.HEAPU8.buffer;
  const view = <T>(C: new (b: ArrayBufferLike, o: number, n: number) => T, t = inputs.values) =>
    new C(heap, addressOf(backend, t), t.shape[0]);
  const e = expandRows(
    a,
    view(Float32Array).slice(),
    view(Int32Array, inputs.indices).slice(),
    inputs.rowPtr ? view(Int32Array, inputs.rowPtr).slice() : undefined,
  );
  const rowPtr = scratch.alloc(e.rowPtr.length);
  const cols = scratch.alloc(e.cols.length);
  const vals = scratch.alloc(e.vals.length);
  const offs = scratch.alloc(e.cols.length);
  const h = backend.wasm.HEAPU8.buffer;
  new Int32Array(h, rowPtr, e.rowPtr.length).set(e.rowPtr);
  new Int32Array(h, cols, e.cols.length).set(e.cols);
  new Float32Array(h, vals, e.vals.length).set(e.vals);
  mod.csrOffsets(cols, e.cols.length, mult, offs);
  return { kind: 'rows', rowPtr, offs, vals, rows: a.rows, r: 1, c: 1, entries: e.cols.length };
}

/** The `kind` argument of spmmKn/spmmNk: 0 CSR rows, 1 BSR blocks, 2 N:M rows (K-sliced). */
export function kindCode(op: PreparedOperand): number {
  if (op.kind === 'blocks') return 1;
  return op.equalRows ? 2 : 0;
}

/** Runs the row kernel matching the operand's kind over a dense panel of width n. */
export function runRows(
  mod: SparseWasm,
  op: PreparedOperand,
  b: number,
  n: number,
  out: number,
  outStride: number,
  bias: number,
  act: number,
): void {
  if (op.kind === 'rows') mod.csrRows(op.rowPtr, op.offs, op.vals, op.rows, b, n, out, outStride, bias, act);
  else mod.bsrRows(op.rowPtr, op.offs, op.vals, op.rows, op.r, op.c, b, n, out, outStride, bias, act);
}
