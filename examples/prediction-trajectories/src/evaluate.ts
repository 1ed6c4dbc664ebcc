/** ADE / FDE / miss rate of a model on a split (predictions decoded to metres). */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { decode, type Split } from './data.js';
import { type Displacement, displacement } from './metrics.js';

export function predictPositions(model: tfl.LayersModel, split: Split): Float32Array {
  const out = tf.tidy(
    () => (model.predict(split.x, { batchSize: 2048 }) as tf.Tensor).dataSync() as Float32Array,
  );
  return decode(out, split.cv);
}

export function evaluateModel(model: tfl.LayersModel, split: Split): Displacement {
  return displacement(predictPositions(model, split), split.truth, split.count);
}

export function evaluateConstantVelocity(split: Split): Displacement {
  return displacement(split.cv, split.truth, split.count);
}
