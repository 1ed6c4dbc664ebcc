import type * as tf from '@tensorflow/tfjs-core';
import { modelVariables } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One weight of a LayersModel under its prunekit parameter id (`${layer}/${short name}`). */
export interface ModelParam {
  readonly id: string;
  readonly layer: string;
  readonly variable: tf.Variable;
  readonly shape: readonly number[];
  readonly trainable: boolean;
}

/** Every weight of the model, in layer order, with its parameter id (named by @prunekit/layers) and live variable. */
export function modelParams(model: tfl.LayersModel): ModelParam[] {
  const idOf = new Map([...modelVariables(model)].map(([id, v]) => [v, id]));
  const out: ModelParam[] = [];
  for (const layer of model.layers) {
    for (const v of layer.weights) {
      const id = idOf.get(v);
      if (id === undefined) continue;
      out.push({
        id,
        layer: layer.name,
        variable: v.read() as tf.Variable,
        shape: v.shape.map((d) => d as number),
        trainable: v.trainable,
      });
    }
  }
  return out;
}

/** Whether the model's single output is already a probability distribution (softmax activation). */
export function outputsProbabilities(model: tfl.LayersModel): boolean {
  const last = model.outputLayers?.[0] ?? model.layers[model.layers.length - 1];
  if (!last) return false;
  if (last.getClassName() === 'Softmax') return true;
  const act = (last.getConfig() as { activation?: unknown }).activation;
  return act === 'softmax';
}
