import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError } from './errors.js';
import type { WeightStore } from './graph.js';

/** A WeightStore over plain float32 arrays; `dispose()` frees the tensors it made on demand. */
export interface ArrayWeightStore extends WeightStore {
  dispose(): void;
}

/**
 * Parameter values kept as one float32 array per parameter id (formats whose weights are file
 * bytes: graph models, ONNX). Tensors are made on demand and owned by the store; `assign` copies.
 * `what` names the model in errors ('graph model', 'ONNX model').
 */
export function createArrayWeightStore(
  values: Map<string, Float32Array>,
  shapes: ReadonlyMap<string, readonly number[]>,
  what: string,
): ArrayWeightStore {
  const live = new Map<string, tf.Tensor>();
  const get = (id: string) => {
    const v = values.get(id);
    if (!v) throw new InvalidArgumentError(`No parameter '${id}' in the ${what}.`, { id });
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
          { id },
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
