import { PrunekitError } from '@prunekit/core';

/**
 * A layer called more than once inside the model (shared weights). The graph IR gives each layer
 * one position, so such models are refused rather than described wrongly.
 */
export class SharedLayerError extends PrunekitError {
  constructor(layer: string, className: string, calls: number) {
    super(
      'E_UNSUPPORTED_LAYER',
      `Layer '${layer}' (${className}) is called ${calls} times in the model (shared weights); ` +
        `prunekit needs each layer to be called once. Rebuild the model with one layer per call ` +
        `(the weights are then no longer tied).`,
      { layer, className, calls },
    );
  }
}

/**
 * A nested model (a Sequential or functional model used as a layer) that cannot be flattened into
 * one graph: called more than once, not connected, or with layer names that collide once flat.
 */
export class NestedModelError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown>) {
    super('E_UNSUPPORTED_LAYER', message, details);
  }
}
