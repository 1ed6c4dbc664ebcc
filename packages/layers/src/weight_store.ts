import type { WeightStore } from '@prunekit/core';
import { InvalidArgumentError, ShapeError } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { layerWeights, paramId } from './naming.js';
import { isNestedModel } from './nested/flatten_nested.js';

/**
 * Every weight variable of the model by parameter id (`${layer}/${short name}`). The layers of a
 * nested model count as the model's own (the ids the flattened graph uses), except nested models
 * named in `whole`, whose weights go under the nested model's name (an opaque node).
 */
export function modelVariables(
  model: tfl.LayersModel,
  whole: ReadonlySet<string> = new Set(),
): Map<string, tfl.LayerVariable> {
  const out = new Map<string, tfl.LayerVariable>();
  const walk = (m: tfl.LayersModel) => {
    for (const layer of m.layers) {
      if (isNestedModel(layer) && !whole.has(layer.name)) {
        walk(layer);
        continue;
      }
      for (const [name, v] of layerWeights(layer)) out.set(paramId(layer.name, name), v);
    }
  };
  walk(model);
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * A WeightStore over a model's live LayerVariables. `tensor` hands out the variable itself
 * (owned by the model: read it, do not dispose it), `values` a copy, and `assign` writes through
 * tf.Variable.assign (which shares the data of `value`, so the caller may dispose it afterwards).
 */
export function createWeightStore(vars: ReadonlyMap<string, tfl.LayerVariable>): WeightStore {
  const get = (id: string): tfl.LayerVariable => {
    const v = vars.get(id);
    if (!v) {
      const known = [...vars.keys()];
      throw new InvalidArgumentError(
        `No weight '${id}' in the model (weights: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}).`,
        { id },
      );
    }
    return v;
  };
  return {
    tensor: (id) => get(id).read(),
    values(id) {
      // dataSync may hand out the backend's own buffer: copy before returning.
      return Float32Array.from(get(id).read().dataSync() as Float32Array);
    },
    assign(id: string, value: tf.Tensor) {
      const v = get(id);
      if (!sameShape(v.shape as number[], value.shape)) {
        throw new ShapeError(
          `Cannot assign a tensor of shape [${value.shape}] to weight '${id}' of shape [${v.shape}].`,
          {
            id,
            expected: [...v.shape],
            got: [...value.shape],
          },
        );
      }
      if (value.dtype !== v.dtype) {
        throw new ShapeError(`Cannot assign a ${value.dtype} tensor to weight '${id}' of dtype ${v.dtype}.`, {
          id,
        });
      }
      (v.read() as tf.Variable).assign(value);
    },
  };
}
