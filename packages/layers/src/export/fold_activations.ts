import { InvalidArgumentError } from '@prunekit/core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  type ActivationFold,
  foldActivationTopology,
  activationFolds,
  type TopologyJson,
} from './fold_plan.js';

const topologyOf = (model: tfl.LayersModel) => model.toJSON(null, false) as unknown as TopologyJson;

/** The activation layers `foldActivations` would fold, each with the layer whose activation it becomes. */
export function planActivationFolds(model: tfl.LayersModel): ActivationFold[] {
  if (!(model instanceof tfl.LayersModel))
    throw new InvalidArgumentError('planActivationFolds: model must be a tfjs LayersModel.', {
      field: 'model',
    });
  return activationFolds(topologyOf(model));
}

/**
 * An inference copy of `model` where every ReLU (no maxValue) or Activation layer right after
 * a linear Conv2D, DepthwiseConv2D or Dense (whose output nothing else reads) becomes that layer's
 * `activation`: one layer call less each, and tfjs runs a Conv2D's relu inside its fused conv
 * kernel. Weights are copied as they are; `model` is only read. Stock tfjs layers only.
 */
export async function foldActivations(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const folds = planActivationFolds(model);
  const out = await tfl.models.modelFromJSON({
    modelTopology: foldActivationTopology(topologyOf(model), folds),
  } as never);
  for (const layer of out.layers)
    if (layer.weights.length) layer.setWeights(model.getLayer(layer.name).getWeights());
  return out;
}
