import type * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs shape with null for the batch (or any unknown) dimension. */
export type Shape = readonly (number | null)[];

/**
 * What a layer spec sees of one layer call: the tfjs layer plus the shapes of the call that the
 * graph describes (a layer's own inputShape/outputShape are ambiguous once it has been called in
 * more than one model).
 */
export interface LayerContext {
  readonly layer: tfl.layers.Layer;
  readonly name: string;
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
}
