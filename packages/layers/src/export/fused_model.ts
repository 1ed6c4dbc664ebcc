import { InvalidArgumentError } from '@prunekit/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { flattenNested } from '../nested/flatten_nested.js';
import { fuseKernelTopology, type KernelFusion, kernelFusions, type TopologyJson } from './fold_plan.js';
import './fused_conv_layers.js';

const topologyOf = (model: tfl.LayersModel) => model.toJSON(null, false) as unknown as TopologyJson;

function checked(model: tfl.LayersModel, fn: string): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel))
    throw new InvalidArgumentError(`${fn}: model must be a tfjs LayersModel.`, { field: 'model' });
  return flattenNested(model);
}

/** What toFusedModel would change: each layer that becomes a fused layer or takes in the ReLU after it. */
export function planFusedLayers(model: tfl.LayersModel): KernelFusion[] {
  return kernelFusions(topologyOf(checked(model, 'planFusedLayers')));
}

/**
 * An inference copy of `model` where each conv that stock tfjs-layers runs as several ops runs as
 * one fused kernel: a Conv2D followed by ReLU(maxValue 6) becomes a PrunekitFusedConv2D with relu6,
 * and a DepthwiseConv2D with a bias or a ReLU / ReLU6 after it a PrunekitFusedDepthwiseConv2D
 * (tf.fused.depthwiseConv2d: bias and activation in the kernel). A ReLU(6) right after a prunekit
 * sparse layer becomes that layer's activation (its kernel clips in place). The ReLU layers taken in
 * are gone, the weights are copied as they are, and `model` is only read. Nested models are
 * flattened first. The result needs @prunekit/layers (which registers the fused classes) to load.
 * Returns undefined when there is nothing to fuse.
 */
export async function toFusedModel(model: tfl.LayersModel): Promise<tfl.LayersModel | undefined> {
  const flat = checked(model, 'toFusedModel');
  const topology = topologyOf(flat);
  const fusions = kernelFusions(topology);
  if (fusions.length === 0) return undefined;
  const out = await tfl.models.modelFromJSON({
    modelTopology: fuseKernelTopology(topology, fusions),
  } as never);
  for (const layer of out.layers)
    if (layer.weights.length) layer.setWeights(flat.getLayer(layer.name).getWeights());
  return out;
}
