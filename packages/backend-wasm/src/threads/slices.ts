import type { SparseAttrs, SparseOperandInputs } from '@prunekit/sparse';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { type WasmBackendLike, addressOf } from '../sparse/wasm_backend.js';
import { FORMAT, type WeightSlice } from './protocol.js';

/** The sparse operand read from the backend's heap: row units (rows, or block rows for BSR). */
export interface OperandView {
  attrs: SparseAttrs;
  /** Rows (CSR, N:M) or block rows (BSR). */
  units: number;
  /** Output rows per unit (blockRows for BSR, else 1). */
  height: number;
  /** Stored entries before unit u (rowPtr, or u·perRow for N:M); length units + 1. */
  ptr: (u: number) => number;
  perRow: number;
  /** Stored values per entry (r·c for BSR, else 1). */
  entrySize: number;
  inputs: SparseOperandInputs;
}

export function operandView(
  backend: WasmBackendLike,
  a: SparseAttrs,
  inputs: SparseOperandInputs,
): OperandView {
  const heap = backend.wasm.HEAPU8.buffer;
  const bsr = a.format === 'bsr';
  const units = bsr ? a.rows / a.blockRows : a.rows;
  const perRow = a.format === 'nm' ? (a.cols / a.m) * a.n : 0;
  const rowPtr = inputs.rowPtr
    ? new Int32Array(heap, addressOf(backend, inputs.rowPtr), units + 1)
    : undefined;
  return {
    attrs: a,
    units,
    height: bsr ? a.blockRows : 1,
    ptr: rowPtr ? (u) => rowPtr[u] : (u) => u * perRow,
    perRow,
    entrySize: bsr ? a.blockRows * a.blockCols : 1,
    inputs,
  };
}

/**
 * Cut points splitting the units into at most `parts` non-empty runs of about equal stored entries
 * (work). cuts[0] = 0, last = units.
 */
export function balancedCuts(op: OperandView, parts: number): number[] {
  const total = op.ptr(op.units);
  const cuts = [0];
  let u = 0;
  for (let p = 1; p < parts; p++) {
    const goal = (total * p) / parts;
    while (u < op.units && op.ptr(u) < goal) u++;
    if (u > cuts[cuts.length - 1] && u < op.units) cuts.push(u);
  }
  cuts.push(op.units);
  return cuts;
}

/** Splits n (pixels or samples) into at most `parts` runs of whole 16-wide panels (but the last). */
export function panelCuts(n: number, parts: number): number[] {
  const size = Math.ceil(n / parts / 16) * 16;
  const cuts = [0];
  for (let j = size; j < n; j += size) cuts.push(j);
  cuts.push(n);
  return cuts;
}

function copyFrom<T extends Int32Array | Float32Array>(
  C: new (b: ArrayBufferLike, o: number, n: number) => T,
  backend: WasmBackendLike,
  t: TensorInfo | undefined,
  from: number,
  to: number,
): T {
  if (!t || to <= from) return new C(new ArrayBuffer(0), 0, 0);
  return new C(backend.wasm.HEAPU8.buffer, addressOf(backend, t) + from * 4, to - from).slice() as T;
}

/** Units [u0, u1) of the operand as a self-contained slice (row pointers rebased to 0). */
export function sliceUnits(backend: WasmBackendLike, op: OperandView, u0: number, u1: number): WeightSlice {
  const a = op.attrs;
  const [e0, e1] = [op.ptr(u0), op.ptr(u1)];
  const rowPtr = new Int32Array(a.format === 'nm' ? 0 : u1 - u0 + 1);
  for (let u = 0; u < rowPtr.length; u++) rowPtr[u] = op.ptr(u0 + u) - e0;
  return {
    format: FORMAT[a.format],
    units: u1 - u0,
    blockRows: a.format === 'bsr' ? a.blockRows : 1,
    blockCols: a.format === 'bsr' ? a.blockCols : 1,
    n: a.n,
    m: a.m,
    perRow: op.perRow,
    rowPtr,
    indices: copyFrom(Int32Array, backend, op.inputs.indices, e0, e1),
    values: copyFrom(Float32Array, backend, op.inputs.values, e0 * op.entrySize, e1 * op.entrySize),
    bias: copyFrom(Float32Array, backend, op.inputs.bias, u0 * op.height, u1 * op.height),
  };
}
