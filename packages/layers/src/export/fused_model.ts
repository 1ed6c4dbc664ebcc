import { InvalidArgumentError } from '@prunekit/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { flattenNested } from '../nested/flatten_nested.js';
import {
  fuseKernelTopology,
  type KernelFusion,
  kernelFusions,
  type TopologyJson,
  unfuseKernelTopology,
} from './fold_plan.js';
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
  return withWeightsOf(flat, fuseKernelTopology(topology, fusions));
}

/** A model built from `topology` with the weights of `from`'s layers of the same names. */
async function withWeightsOf(from: tfl.LayersModel, topology: TopologyJson): Promise<tfl.LayersModel> {
  const out = await tfl.models.modelFromJSON({ modelTopology: topology } as never);
  for (const layer of out.layers)
    if (layer.weights.length) layer.setWeights(from.getLayer(layer.name).getWeights());
  return out;
}

/**
 * A stock copy of a model with prunekit fused conv layers (what toFusedModel writes): each
 * PrunekitFusedConv2D becomes a Conv2D and each PrunekitFusedDepthwiseConv2D a DepthwiseConv2D with
 * the same weights and bias; a relu one keeps activation 'relu', and a relu6 one is followed by a
 * ReLU(maxValue 6) layer. The copy loads in tfjs without prunekit and computes the same outputs;
 * `model` is only read. Returns undefined when the model has no fused layer.
 */
export async function toStockModel(
  model: tfl.LayersModel,
): Promise<{ model: tfl.LayersModel; layers: string[] } | undefined> {
  const flat = checked(model, 'toStockModel');
  const { topology, layers } = unfuseKernelTopology(topologyOf(flat));
  if (layers.length === 0) return undefined;
  return { model: await withWeightsOf(flat, topology), layers };
}
