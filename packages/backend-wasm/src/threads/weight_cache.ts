import type { SparseOperandInputs } from '@prunekit/sparse';
import type { DataId } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../sparse/wasm_backend.js';
import type { ThreadPool } from './pool.js';
import { type OperandView, sliceUnits } from './slices.js';

/** tfjs-backend-wasm's data map also answers whether a tensor still exists. */
export type ThreadedBackend = WasmBackendLike & {
  dataIdMap: { has(id: DataId): boolean };
};

interface Entry {
  /** values, indices, rowPtr, bias: the operand's identity on the backend (tensors are immutable). */
  ids: (DataId | undefined)[];
  poolId: number;
}

const idsOf = (i: SparseOperandInputs) => [
  i.values.dataId,
  i.indices.dataId,
  i.rowPtr?.dataId,
  i.bias?.dataId,
];

/**
 * Which sparse operands the workers already hold. Each worker keeps a copy from the first call on;
 * entries whose tensors were disposed are dropped from the workers on the next call.
 */
export class WeightCache {
  private readonly entries: Entry[] = [];
  constructor(private readonly pool: ThreadPool) {}

  /** The pool id of the operand, sending it to the workers on first use. */
  idFor(backend: ThreadedBackend, op: OperandView): number {
    this.prune(backend);
    const ids = idsOf(op.inputs);
    const hit = this.entries.find((e) => e.ids.every((id, i) => id === ids[i]));
    if (hit) return hit.poolId;
    const poolId = this.pool.load(sliceUnits(backend, op, 0, op.units));
    this.entries.push({ ids, poolId });
    return poolId;
  }

  /** Number of operands the workers hold. */
  get size(): number {
    return this.entries.length;
  }

  private prune(backend: ThreadedBackend): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.ids.every((id) => id === undefined || backend.dataIdMap.has(id))) continue;
      this.pool.drop(e.poolId);
      this.entries.splice(i, 1);
    }
  }
}
