import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, UnknownLayerError } from '@prunekit/core';
import { callsIn, flattenNested } from '@prunekit/layers';

/** Runs a model, optionally also returning the outputs of named inner layers (feature taps). */
export type Forward = (
  x: tf.Tensor,
  training: boolean,
) => { pred: tf.Tensor; features: Map<string, tf.Tensor> };

export function makeForward(model: tfl.LayersModel, featureLayers: readonly string[] = []): Forward {
  if (model.outputs.length !== 1) {
    throw new InvalidArgumentError(
      `fineTune trains single-output models; this model has ${model.outputs.length} outputs.`,
    );
  }
  if (featureLayers.length === 0) {
    return (x, training) => ({ pred: model.apply(x, { training }) as tf.Tensor, features: new Map() });
  }
  // Through the flat view, so layers inside a nested model (a backbone used as a layer) can be
  // tapped too; each tap is the layer's own call in that view (callsIn).
  const flat = flattenNested(model);
  const names = flat.layers.map((l) => l.name);
  const taps = featureLayers.map((name) => {
    if (!names.includes(name)) throw new UnknownLayerError(name, 'features', names);
    const [call] = callsIn(flat, flat.getLayer(name));
    return (call?.outputTensors[0] ?? flat.getLayer(name).output) as tfl.SymbolicTensor;
  });
  // Shares the layers (and their variables) with `model`; never dispose it.
  const tapped = tfl.model({ inputs: flat.inputs, outputs: [flat.outputs[0], ...taps] });
  return (x, training) => {
    const outs = tapped.apply(x, { training }) as tf.Tensor[];
    return { pred: outs[0], features: new Map(featureLayers.map((n, i) => [n, outs[i + 1]])) };
  };
}
