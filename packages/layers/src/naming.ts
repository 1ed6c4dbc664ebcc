import type * as tfl from '@tensorflow/tfjs-layers';

type LayerVariable = tfl.LayerVariable;

/**
 * Short name of a layer weight: 'kernel', 'bias', 'moving_mean', 'depthwise_kernel', …
 * tfjs names variables '<scope>/<layer>/<weight>'; the layer prefix is cut, and for weights of
 * nested models (opaque nodes) the rest of the path is kept so names stay unique.
 */
export function weightShortName(layerName: string, v: LayerVariable): string {
  const full = v.originalName;
  const at = full.indexOf(`${layerName}/`);
  if (at >= 0) return full.slice(at + layerName.length + 1);
  const slash = full.lastIndexOf('/');
  return slash >= 0 ? full.slice(slash + 1) : full;
}

/** Parameter id of a layer weight: `${layer}/${short name}`, as ParamInfo.id in @prunekit/core. */
export function paramId(layerName: string, shortName: string): string {
  return `${layerName}/${shortName}`;
}

/** The weights of one layer by short name (duplicates get a numeric suffix). */
export function layerWeights(layer: tfl.layers.Layer): Map<string, LayerVariable> {
  const out = new Map<string, LayerVariable>();
  for (const v of layer.weights) {
    let name = weightShortName(layer.name, v);
    if (out.has(name)) {
      let k = 1;
      while (out.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    out.set(name, v);
  }
  return out;
}
