import type { ParamSpec } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { layerWeights, paramId } from '../naming.js';
import { layerSpecs } from './registry.js';

/**
 * The ParamSpec (role, channel axes) of every weight of a model, keyed both by param id
 * ('conv1/kernel') and by the stored variable name, for code that sees weights without building a
 * graph (compression, export). Weights of layers without a spec, or that their spec does not
 * list, are absent.
 */
export function modelParamSpecs(model: tfl.LayersModel): Map<string, ParamSpec> {
  const out = new Map<string, ParamSpec>();
  for (const layer of model.layers) {
    const spec = layerSpecs.get(layer.getClassName());
    if (!spec) continue;
    for (const [short, v] of layerWeights(layer)) {
      const p = spec.params[short];
      if (!p) continue;
      out.set(paramId(layer.name, short), p);
      out.set(v.originalName, p);
    }
  }
  return out;
}
