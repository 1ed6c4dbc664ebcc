/** Generated samples as tensors shaped for a model's input. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '@prunekit/core';
import type { GeneratedData } from './module.js';

export interface Split {
  readonly name: string;
  readonly x: tf.Tensor;
  /** One-hot labels. */
  readonly y: tf.Tensor2D;
  readonly labels: Int32Array;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
}

export function toSplit(name: string, d: GeneratedData, model: tfl.LayersModel): Split {
  const inShape = model.inputs[0].shape.slice(1) as number[];
  const per = inShape.reduce((a, b) => a * b, 1);
  if (d.images.length !== d.count * per) {
    throw new InvalidArgumentError(
      `Data split '${name}': ${d.images.length} values for ${d.count} samples do not fit the model input [${inShape.join(', ')}] (${per} values each).`,
      { field: 'data' },
    );
  }
  const values = d.images instanceof Uint8Array ? Float32Array.from(d.images, (v) => v / 255) : d.images;
  const labels = Int32Array.from(d.labels);
  const x = tf.tensor(values, [d.count, ...inShape], 'float32');
  const y = tf.tidy(
    () => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), d.numClasses), 'float32') as tf.Tensor2D,
  );
  return { name, x, y, labels, numClasses: d.numClasses, classNames: d.classNames };
}

export function disposeSplit(s: Split): void {
  s.x.dispose();
  s.y.dispose();
}
