import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A model's layers as one function: `predict(x)` runs every layer's op on `x` inside one tf.tidy. */
export interface CompiledModel {
  /** The model's output for `x` (any batch size); the caller owns (and disposes) the result. */
  predict(x: tf.Tensor): tf.Tensor;
  /** Names of the layers run, in order. */
  readonly layers: readonly string[];
}

type Chained = tfl.layers.Layer & {
  inboundNodes: { inboundLayers: tfl.layers.Layer[] }[];
  call(x: tf.Tensor, kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
};

/**
 * Inference path for a chain-shaped model (every layer feeds only the next one, as in a Sequential
 * model — e.g. the result of toSparseModel): `predict` calls each layer's `call` in order inside a
 * single tf.tidy, without LayersModel.predict's per-call work (input standardisation, batch slicing
 * and re-concatenation, symbolic-graph execution bookkeeping), which dominates at batch 1 once the
 * kernels are sparse. Outputs equal `model.predict(x)` in inference mode (dropout off). It works for
 * dense models too, so a dense model can be timed the same way. Weights are read at call time:
 * compile once, predict many times; the model must outlive the compiled function.
 */
export function compileSparse(model: tfl.LayersModel): CompiledModel {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InvalidArgumentError(
      `compileSparse: model '${model.name}' has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only single-input, single-output chains are supported — use model.predict.`,
    );
  }
  const chain = (model.layers as Chained[]).filter((l) => l.getClassName() !== 'InputLayer');
  for (let i = 1; i < chain.length; i++) {
    const nodes = chain[i].inboundNodes;
    const from = nodes.length === 1 ? nodes[0].inboundLayers : [];
    if (from.length !== 1 || from[0] !== chain[i - 1]) {
      throw new InvalidArgumentError(
        `compileSparse: layer '${chain[i].name}' of model '${model.name}' does not take its single input from '${chain[i - 1].name}'; only chain-shaped (Sequential) models are supported — use model.predict.`,
      );
    }
  }
  const kwargs = { training: false };
  return {
    layers: chain.map((l) => l.name),
    predict(x: tf.Tensor): tf.Tensor {
      return tf.tidy(() => {
        let h = x;
        for (const layer of chain) {
          const y = layer.call(h, kwargs);
          h = Array.isArray(y) ? y[0] : y;
        }
        // A chain of identity layers hands `x` back; the caller owns the result, so give a copy.
        return h === x ? tf.clone(x) : h;
      });
    },
  };
}
