import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What a loss sees for one batch. Tensors are owned by the trainer. */
export interface LossContext {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  /** The model's output on `x` (training mode inside the training step). */
  readonly pred: tf.Tensor;
  /** Whether `pred` holds probabilities (softmax output) rather than logits. */
  readonly probabilities: boolean;
  /** Outputs of the layers named in `Loss.features`, by layer name. */
  readonly features: ReadonlyMap<string, tf.Tensor>;
  /** What `Loss.prepare` returned for this batch (computed outside the gradient tape). */
  readonly prepared: ReadonlyMap<string, tf.Tensor>;
  readonly step: number;
}

/**
 * A training objective. The trainer calls `prepare` outside the gradient tape (e.g. a teacher's
 * forward pass), then `compute` inside it. Losses are values passed to fineTune, never global.
 */
export interface Loss {
  readonly name: string;
  /** Student layers whose outputs `compute` needs in `ctx.features`. */
  readonly features?: readonly string[];
  /** Validates the loss against the model before training (shapes, layer names). */
  check?(model: tfl.LayersModel): void;
  /**
   * Validates the label shape against the model's output shape (axis 0 the samples, `null` a free
   * dimension) before training; throws a ShapeError naming both. `field` is 'data' or 'validation'.
   */
  checkLabels?(labels: readonly number[], output: readonly (number | null)[], field: string): void;
  prepare?(x: tf.Tensor): Map<string, tf.Tensor>;
  compute(ctx: LossContext): tf.Scalar;
  /** Loss used to report validation loss (a distillation loss reports its hard-label part). */
  readonly validation?: Loss;
}
