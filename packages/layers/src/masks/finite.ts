import { NonFiniteError } from '@prunekit/core';

/** Throws NonFiniteError naming the weight (and its layer) when `values` holds NaN or ±Infinity. */
export function assertFinite(values: ArrayLike<number>, weight: string, layer?: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      const where = layer ? `Weight '${weight}' of layer '${layer}'` : `Weight '${weight}'`;
      throw new NonFiniteError(
        `${where} holds ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'} at flat index ${i}. ` +
          'Pruning cannot rank non-finite weights: retrain or repair the model (lower the learning rate, clip gradients) first.',
        { weight, layer, index: i },
      );
    }
  }
}
