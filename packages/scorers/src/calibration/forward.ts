import * as tf from '@tensorflow/tfjs-core';
import {
  type Batch,
  type DataSource,
  InvalidArgumentError,
  type ModelGraph,
  ShapeError,
} from '@prunekit/core';

/** The part of a tfjs LayersModel the runner uses (kept structural so any model-like source works). */
export interface ForwardModel {
  apply(x: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[] | unknown;
  readonly inputs: readonly { readonly shape: readonly (number | null)[] }[];
  readonly outputs: readonly unknown[];
  readonly layers: readonly {
    readonly name: string;
    getClassName(): string;
    getConfig(): Record<string, unknown>;
  }[];
}

/** A loss of one batch: (labels, predictions) → scalar. */
export type LossFn = (y: tf.Tensor, pred: tf.Tensor) => tf.Scalar;

/** The model behind a graph, or a typed error saying how to get one. */
export function modelOf(graph: ModelGraph, scorer: string): ForwardModel {
  const m = graph.source as Partial<ForwardModel> | undefined;
  if (!m || typeof m.apply !== 'function' || !Array.isArray(m.inputs) || !Array.isArray(m.layers)) {
    throw new InvalidArgumentError(
      `${scorer}: the graph has no tfjs LayersModel behind it (graph.source), so gradients and activations ` +
        'cannot be computed. Build the graph with buildGraph(model) from @prunekit/layers, or pass precomputed ' +
        'ctx.stats (CalibrationStats).',
      { scorer },
    );
  }
  return m as ForwardModel;
}

/** Cross-entropy on softmax outputs (the last layer has a softmax), else on logits. */
export function defaultLoss(model: ForwardModel): LossFn {
  const last = model.layers[model.layers.length - 1];
  const softmaxOut = last?.getConfig().activation === 'softmax';
  return (y, pred) =>
    tf.tidy(() => {
      if (!softmaxOut) return tf.losses.softmaxCrossEntropy(y, pred) as tf.Scalar;
      const p = tf.clipByValue(pred, 1e-7, 1);
      return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(p)), -1))) as tf.Scalar;
    });
}

function first(t: tf.Tensor | tf.Tensor[] | undefined): tf.Tensor | undefined {
  return Array.isArray(t) ? t[0] : t;
}

/**
 * Checks a calibration batch against the model's input shape (every axis but the batch axis)
 * and, when labels are needed, that they are present and batch-aligned.
 */
export function checkBatch(
  model: ForwardModel,
  b: Batch,
  index: number,
  needLabels: boolean,
  scorer: string,
): void {
  const xs = Array.isArray(b?.x) ? b.x : b?.x ? [b.x] : [];
  if (xs.length !== model.inputs.length || xs.some((x) => !(x instanceof tf.Tensor))) {
    throw new ShapeError(
      `${scorer}: calibration batch ${index} has ${xs.length} input tensor(s); the model takes ${model.inputs.length}. ` +
        'Each batch must be { x: Tensor | Tensor[], y?: Tensor }.',
      { batch: index },
    );
  }
  xs.forEach((x, k) => {
    const want = model.inputs[k].shape;
    const ok =
      x.shape.length === want.length && want.every((d, i) => i === 0 || d === null || d === x.shape[i]);
    if (!ok) {
      throw new ShapeError(
        `${scorer}: calibration batch ${index} input ${k} has shape [${x.shape}], but the model expects ` +
          `[${want.map((d) => d ?? 'batch')}]. Resize the calibration data to the model's input.`,
        { batch: index, input: k, got: [...x.shape], expected: [...want] },
      );
    }
  });
  if (needLabels) {
    const y = first(b.y);
    if (!y) {
      throw new InvalidArgumentError(
        `${scorer}: calibration batch ${index} has no labels (y); gradient-based scorers need { x, y } batches.`,
        { batch: index },
      );
    }
    if (y.shape[0] !== xs[0].shape[0]) {
      throw new ShapeError(
        `${scorer}: calibration batch ${index} has ${xs[0].shape[0]} inputs but ${y.shape[0]} labels.`,
        { batch: index },
      );
    }
  }
}

/** Iterates a DataSource (sync or async), refusing an empty one. */
export async function* batches(data: DataSource, scorer: string): AsyncGenerator<Batch, void, undefined> {
  let n = 0;
  for await (const b of data as AsyncIterable<Batch>) {
    n++;
    yield b;
  }
  if (n === 0) {
    throw new InvalidArgumentError(`${scorer}: the calibration data yielded no batches.`, { field: 'data' });
  }
}

export function batchInput(b: Batch): tf.Tensor | tf.Tensor[] {
  return Array.isArray(b.x) ? b.x : b.x;
}

export function batchLabels(b: Batch): tf.Tensor {
  return first(b.y)!;
}

export function batchSize(b: Batch): number {
  return (Array.isArray(b.x) ? b.x[0] : b.x).shape[0];
}

/** Loss of the model on one batch (inference mode). */
export function batchLoss(model: ForwardModel, loss: LossFn, b: Batch): tf.Scalar {
  return tf.tidy(() =>
    loss(batchLabels(b), first(model.apply(batchInput(b), { training: false }) as tf.Tensor)!),
  );
}
