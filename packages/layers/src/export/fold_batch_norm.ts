import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormAffine, foldBias, scaleKernel } from './fold_math.js';
import { flattenNested } from '../nested/flatten_nested.js';
import { type BatchNormFold, foldTopology, planFolds, type TopologyJson } from './fold_plan.js';

type Variable = tfl.LayersModel['weights'][number];

function checkModel(model: unknown, fn: string): asserts model is tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new InvalidArgumentError(
      `${fn}: model must be a tfjs LayersModel (tf.model(...), tf.sequential(...) or tf.loadLayersModel(...)).`,
      { field: 'model' },
    );
  }
}

function topologyOf(model: tfl.LayersModel): TopologyJson {
  return model.toJSON(null, false) as unknown as TopologyJson;
}

function rankOf(model: tfl.LayersModel) {
  return (name: string): number | undefined => {
    const shape = model.getLayer(name).outputShape;
    return Array.isArray(shape) && !Array.isArray(shape[0]) ? shape.length : undefined;
  };
}

/** The BatchNormalization layers `foldBatchNorm` would fold, each with the layer it goes into. */
export function planBatchNormFolds(input: tfl.LayersModel): BatchNormFold[] {
  checkModel(input, 'planBatchNormFolds');
  const model = flattenNested(input);
  return planFolds(topologyOf(model), rankOf(model));
}

const suffix = (v: Variable) => v.originalName.slice(v.originalName.lastIndexOf('/') + 1);
const floats = (v: Variable) => v.read().dataSync() as Float32Array;

/** The folded weights of `target` (kernel scaled per output channel, bias = b·scale + shift). */
function foldedWeights(target: tfl.layers.Layer, bn: tfl.layers.Layer): [Variable, Float32Array][] {
  const w = new Map(bn.weights.map((v) => [suffix(v), v]));
  const cfg = bn.getConfig();
  const affine = batchNormAffine({
    gamma: w.has('gamma') ? floats(w.get('gamma')!) : undefined,
    beta: w.has('beta') ? floats(w.get('beta')!) : undefined,
    mean: floats(w.get('moving_mean')!),
    variance: floats(w.get('moving_variance')!),
    epsilon: cfg.epsilon as number,
  });
  const kernel = target.weights.find((v) => suffix(v).endsWith('kernel'))!;
  const bias = target.weights.find((v) => suffix(v) === 'bias');
  const prefix = kernel.originalName.slice(0, kernel.originalName.lastIndexOf('/') + 1);
  const biasVar = {
    originalName: `${prefix}bias`,
    dtype: 'float32',
    shape: [affine.shift.length],
  } as Variable;
  return [
    [kernel, scaleKernel(floats(kernel), affine.scale)],
    [bias ?? biasVar, foldBias(bias ? floats(bias) : undefined, affine)],
  ];
}

/**
 * An inference copy of `model` with every BatchNormalization that directly follows a linear Conv2D,
 * DepthwiseConv2D or Dense (whose output nothing else reads, channels last) folded into that
 * layer's kernel and bias, using the BN's moving statistics. Other layers are copied as they are;
 * BNs that cannot be folded stay. A nested model is flattened first (the result is flat).
 * `model` is only read. The result is for inference: training it
 * again would train without batch statistics.
 */
export async function foldBatchNorm(input: tfl.LayersModel): Promise<tfl.LayersModel> {
  checkModel(input, 'foldBatchNorm');
  // Nested models are folded through their flat view (BNs inside a backbone fold too); the result is flat.
  const model = flattenNested(input);
  const topology = topologyOf(model);
  const folds = planFolds(topology, rankOf(model));
  const bnOf = new Map(folds.map((f) => [f.into, f.bn]));
  const folded = new Set(folds.map((f) => f.bn));
  const weights: [Variable, ArrayBufferView][] = [];
  for (const layer of model.layers) {
    if (folded.has(layer.name)) continue;
    const bn = bnOf.get(layer.name);
    if (bn) weights.push(...foldedWeights(layer, model.getLayer(bn)));
    else for (const v of layer.weights) weights.push([v, v.read().dataSync() as ArrayBufferView]);
  }
  const total = weights.reduce((a, [, d]) => a + d.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const [, d] of weights) {
    data.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: foldTopology(topology, folds) as unknown as object,
      weightSpecs: weights.map(([v]) => ({
        name: v.originalName,
        shape: [...v.shape],
        dtype: v.dtype as 'float32',
      })),
      weightData: data.buffer,
    }),
  );
}
