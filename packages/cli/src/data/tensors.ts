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
  const bad = (what: string) =>
    new InvalidArgumentError(`Data split '${name}': ${what}. Fix the data module's generateDataset.`, {
      field: 'data',
    });
  if (!Number.isInteger(d.numClasses) || d.numClasses < 1) throw bad(`numClasses is ${d.numClasses}`);
  const units = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  if (typeof units === 'number' && units !== d.numClasses) {
    throw bad(`numClasses is ${d.numClasses} but the model's output has ${units} classes`);
  }
  if (!d.labels || d.labels.length !== d.count) {
    throw bad(`${d.labels?.length ?? 0} labels for ${d.count} samples`);
  }
  for (let i = 0; i < d.labels.length; i++) {
    const l = d.labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= d.numClasses) {
      throw bad(`label ${i} is ${l}, outside the ${d.numClasses} classes [0, ${d.numClasses - 1}]`);
    }
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
