import { ShapeError } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { SparseTensors } from '../formats/sparse_tensors.js';

/** The sparse operand's tensors (and bias) as kernel inputs, leaving out the absent ones. */
export function operandInputs(
  s: SparseTensors,
  bias: tf.Tensor | undefined,
  op: string,
): Record<string, tf.Tensor> {
  const inputs: Record<string, tf.Tensor> = { values: s.values, indices: s.indices };
  if (s.rowPtr) inputs.rowPtr = s.rowPtr;
  if (bias) {
    if (bias.rank !== 1 || bias.shape[0] !== s.attrs.rows || bias.dtype !== 'float32') {
      throw new ShapeError(
        `${op}: bias must be float32 of shape [${s.attrs.rows}], got ${bias.dtype} [${bias.shape}].`,
      );
    }
    inputs.bias = bias;
  }
  return inputs;
}
