import { type ArrayWeightStore, createArrayWeightStore } from '@prunekit/core';
import type { GraphModelSource } from '../io/source.js';

/** Where a parameter lives in the GraphDef: a Const node and the op input it feeds. */
export interface ConstBinding {
  readonly constName: string;
  readonly consumer: string;
  readonly slot: number;
}

/**
 * Parameter values of a graph model, one float32 array per parameter (a Const read by two ops
 * gives each its own copy, so masks and surgery can treat them apart; export writes one Const
 * per distinct value). Tensors are made on demand and owned by the store: `dispose()` frees them.
 */
export type ConstStore = ArrayWeightStore;

export function createConstStore(
  source: GraphModelSource,
  bindings: ReadonlyMap<string, ConstBinding>,
): ConstStore {
  const values = new Map<string, Float32Array>();
  const shapes = new Map<string, readonly number[]>();
  for (const [id, b] of bindings) {
    const w = source.consts.get(b.constName)!;
    values.set(id, w.values as Float32Array);
    shapes.set(id, w.spec.shape);
  }
  return createArrayWeightStore(values, shapes, 'graph model');
}
