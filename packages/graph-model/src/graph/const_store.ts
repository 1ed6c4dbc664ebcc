import { InvalidArgumentError, ShapeError, type WeightStore } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
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
export interface ConstStore extends WeightStore {
  dispose(): void;
}

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
  const live = new Map<string, tf.Tensor>();
  const get = (id: string) => {
    const v = values.get(id);
    if (!v) throw new InvalidArgumentError(`No parameter '${id}' in the graph model.`, { id });
    return v;
  };
  return {
    tensor(id) {
      let t = live.get(id);
      if (!t) {
        t = tf.tensor(get(id), [...shapes.get(id)!], 'float32');
        tf.keep(t);
        live.set(id, t);
      }
      return t;
    },
    values: (id) => Float32Array.from(get(id)),
    assign(id, value) {
      const shape = shapes.get(id);
      get(id);
      if (!shape || value.shape.length !== shape.length || value.shape.some((d, i) => d !== shape[i])) {
        throw new ShapeError(
          `assign: value of shape [${value.shape}] does not fit parameter '${id}' of shape [${shape}].`,
          {
            id,
          },
        );
      }
      values.set(id, Float32Array.from(value.dataSync() as Float32Array));
      live.get(id)?.dispose();
      live.delete(id);
    },
    dispose() {
      for (const t of live.values()) t.dispose();
      live.clear();
    },
  };
}
