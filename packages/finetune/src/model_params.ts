import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One weight of a LayersModel under its prunekit parameter id (`${layer}/${short name}`). */
export interface ModelParam {
  readonly id: string;
  readonly layer: string;
  readonly variable: tf.Variable;
  readonly shape: readonly number[];
  readonly trainable: boolean;
}

/**
 * Short weight name the way @prunekit/layers names it: the variable's original name with the
 * layer prefix cut ('conv1/kernel' → 'kernel'), so masks built on a ModelGraph find their weights.
 */
function shortName(layerName: string, v: tfl.LayerVariable): string {
  const full = v.originalName;
  const at = full.indexOf(`${layerName}/`);
  if (at >= 0) return full.slice(at + layerName.length + 1);
  const slash = full.lastIndexOf('/');
  return slash >= 0 ? full.slice(slash + 1) : full;
}

/** Every weight of the model, in layer order, with its parameter id and live variable. */
export function modelParams(model: tfl.LayersModel): ModelParam[] {
  const out: ModelParam[] = [];
  for (const layer of model.layers) {
    const seen = new Set<string>();
    for (const v of layer.weights) {
      let name = shortName(layer.name, v);
      if (seen.has(name)) {
        let k = 1;
        while (seen.has(`${name}_${k}`)) k++;
        name = `${name}_${k}`;
      }
      seen.add(name);
      out.push({
        id: `${layer.name}/${name}`,
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
