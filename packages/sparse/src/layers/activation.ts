import { UnsupportedLayerError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { FusedActivation } from '../kernel_names.js';

const FUSED: Record<string, FusedActivation> = { linear: 'linear', relu: 'relu', relu6: 'relu6' };
const AFTER: Record<string, (t: tf.Tensor) => tf.Tensor> = {
  softmax: (t) => tf.softmax(t),
  sigmoid: (t) => tf.sigmoid(t),
  tanh: (t) => tf.tanh(t),
  elu: (t) => tf.elu(t),
  selu: (t) => tf.selu(t),
  softplus: (t) => tf.softplus(t),
};

/** Names of the activations sparse layers support (fused into the kernel or applied after it). */
export const SPARSE_LAYER_ACTIVATIONS: readonly string[] = [...Object.keys(FUSED), ...Object.keys(AFTER)];

/** Splits a Keras activation name into the part the kernel fuses and the part applied afterwards. */
export function splitActivation(
  name: string,
  layer: string,
): { fused: FusedActivation; after?: (t: tf.Tensor) => tf.Tensor } {
  if (name in FUSED) return { fused: FUSED[name] };
  if (name in AFTER) return { fused: 'linear', after: AFTER[name] };
  throw new UnsupportedLayerError(
    layer,
    `activation '${name}'`,
    `Sparse layers support ${SPARSE_LAYER_ACTIVATIONS.join(', ')}.`,
  );
}
