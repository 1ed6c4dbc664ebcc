import { NonFiniteError } from '@prunekit/core';

/** Refuses NaN / ±Infinity in a parameter's values, naming the parameter. */
export function assertFinite(id: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new NonFiniteError(
        `Parameter '${id}' holds ${values[i]} at element ${i}; scores would be meaningless. ` +
          'Check the model for a diverged training run before pruning.',
        { param: id, index: i },
      );
    }
  }
}
