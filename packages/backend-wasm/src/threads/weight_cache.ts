import type { SparseOperandInputs } from '@prunekit/sparse';
import type { DataId } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../sparse/wasm_backend.js';
import type { ThreadPool } from './pool.js';
import { type OperandView, sliceUnits } from './slices.js';

/** tfjs-backend-wasm's data map also answers whether a tensor still exists. */
export type ThreadedBackend = WasmBackendLike & {
  dataIdMap: { has(id: DataId): boolean };
};

/** How the operand is spread over the workers: by output rows, or whole on each (split over N). */
export type Placement = { kind: 'rows'; cuts: readonly number[] } | { kind: 'whole' };

interface Entry {
  /** values, indices, rowPtr, bias: the weights' identity on the backend (tensors are immutable). */
  ids: (DataId | undefined)[];
  placement: string;
  poolId: number;
}

const idsOf = (i: SparseOperandInputs) => [
  i.values.dataId,
  i.indices.dataId,
  i.rowPtr?.dataId,
  i.bias?.dataId,
];

/**
 * Which sparse weights the workers already hold. Each worker keeps its slice from the first call
 * on; entries whose tensors were disposed are dropped from the workers on the next call.
 */
export class WeightCache {
  private readonly entries: Entry[] = [];
  constructor(private readonly pool: ThreadPool) {}

  /** The pool id of the operand's slices for this placement, sending them on first use. */
  idFor(backend: ThreadedBackend, op: OperandView, placement: Placement): number {
    this.prune(backend);
    const ids = idsOf(op.inputs);
    const key = placement.kind === 'rows' ? placement.cuts.join(',') : 'whole';
    const hit = this.entries.find((e) => e.placement === key && e.ids.every((id, i) => id === ids[i]));
    if (hit) return hit.poolId;
    const slices = Array.from({ length: this.pool.size }, (_, w) =>
      placement.kind === 'rows'
        ? sliceUnits(backend, op, placement.cuts[w + 1], placement.cuts[w + 2])
        : sliceUnits(backend, op, 0, op.units),
    );
    const poolId = this.pool.load(slices);
    this.entries.push({ ids, placement: key, poolId });
    return poolId;
  }

  /** Number of weight sets the workers hold. */
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
