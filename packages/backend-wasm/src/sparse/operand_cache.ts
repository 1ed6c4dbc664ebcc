import type { SparseAttrs, SparseOperandInputs } from '@prunekit/sparse';
import type { DataId } from '@tensorflow/tfjs-core';
import { type Allocator, type PreparedOperand, prepareOperand } from './operand.js';
import type { SparseWasm } from './sparse_module.js';
import { Scratch, type WasmBackendLike, addressOf } from './wasm_backend.js';

/** Zero-padded channel planes a k×k stride-1 conv reads: the plane-offset table depends on them. */
export interface PlaneGeometry {
  cin: number;
  kh: number;
  kw: number;
  dh: number;
  dw: number;
  hp: number;
  wp: number;
}

/** Rewrites plain filter columns into byte offsets into the planes (scratch for the lookup table). */
export function planeOffsets(
  mod: SparseWasm,
  op: PreparedOperand,
  g: PlaneGeometry,
  scratch: Allocator,
): void {
  mod.convOffsets(
    op.offs,
    op.entries,
    g.cin,
    g.kh,
    g.kw,
    g.dh,
    g.dw,
    g.hp,
    g.wp,
    scratch.alloc(g.kh * g.kw * g.cin),
  );
}

interface Kept {
  backend: WeakRef<WasmBackendLike>;
  ptrs: number[];
}

// Buffers go back to the backend's heap when the indices tensor they were built from is gone.
const finalizer = new FinalizationRegistry<Kept>((kept) => {
  const backend = kept.backend.deref();
  if (backend) for (const p of kept.ptrs) backend.wasm._free(p);
});

type Tables = Map<string, PreparedOperand>;
const caches = new WeakMap<WasmBackendLike, WeakMap<DataId, { tables: Tables; kept: Kept }>>();
const ids = new WeakMap<DataId, number>();
let nextId = 1;

function idOf(dataId: DataId | undefined): number {
  if (dataId === undefined) return 0;
  let id = ids.get(dataId);
  if (id === undefined) {
    id = nextId++;
    ids.set(dataId, id);
  }
  return id;
}

/**
 * prepareOperand, kept across calls. The offset table (and N:M row pointers) depend only on the
 * operand's structure — its indices and row pointers, which tfjs never changes in place — and on
 * `mult` or the conv's plane geometry, so they are built once per indices tensor and reused by every
 * later call with the same row pointers and geometry: a layer run at batch 1 then pays nothing for
 * them. Values are always read in place. With `planes`, offsets are built with mult 1 and rewritten
 * by planeOffsets. Not for BSR expanded to rows (that copy holds the values): use prepareOperand.
 */
export function cachedOperand(
  mod: SparseWasm,
  backend: WasmBackendLike,
  a: SparseAttrs,
  inputs: SparseOperandInputs,
  mult: number,
  planes?: PlaneGeometry,
): PreparedOperand {
  let byIndices = caches.get(backend);
  if (!byIndices) {
    byIndices = new WeakMap();
    caches.set(backend, byIndices);
  }
  const indices = inputs.indices.dataId;
  let entry = byIndices.get(indices);
  if (!entry) {
    const kept: Kept = { backend: new WeakRef(backend), ptrs: [] };
    entry = { tables: new Map(), kept };
    byIndices.set(indices, entry);
    finalizer.register(indices, kept);
  }
  const g = planes;
  const key = `${mult}|${idOf(inputs.rowPtr?.dataId)}${g ? `|${g.cin} ${g.kh} ${g.kw} ${g.dh} ${g.dw} ${g.hp} ${g.wp}` : ''}`;
  let op = entry.tables.get(key);
  if (!op) {
    const scratch = new Scratch(backend);
    const temp = new Scratch(backend);
    try {
      op = prepareOperand(mod, backend, scratch, a, inputs, mult);
      if (g) planeOffsets(mod, op, g, temp);
    } catch (e) {
      scratch.free();
      throw e;
    } finally {
      temp.free();
    }
    entry.kept.ptrs.push(...scratch.release());
    entry.tables.set(key, op);
  }
  return { ...op, vals: addressOf(backend, inputs.values) };
}
