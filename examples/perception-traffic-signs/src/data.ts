/** Generated datasets as tensors: images scaled to 0..1, labels one-hot. */
import * as tf from '@tensorflow/tfjs-core';
import { type GenerateOptions, generateDataset, type SignDataset } from './generator.js';

export interface Split {
  readonly name: string;
  readonly data: SignDataset;
  /** [n, 32, 32, 3] float32 in 0..1. */
  readonly x: tf.Tensor4D;
  /** [n, numClasses] one-hot float32. */
  readonly y: tf.Tensor2D;
}

/** Tensors for a dataset; the caller owns (and disposes) them. */
export function toTensors(ds: SignDataset): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const pixels = new Float32Array(ds.images.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ds.images[i] / 255;
  const x = tf.tensor4d(pixels, [ds.count, ds.size, ds.size, 3]);
  const y = tf.tidy(
    () => tf.cast(tf.oneHot(tf.tensor1d(ds.labels, 'int32'), ds.numClasses), 'float32') as tf.Tensor2D,
  );
  return { x, y };
}

/**
 * Seeds of the three splits derived from the recipe's seed, far apart so no image repeats across
 * splits. Baseline training draws fresh training sets per epoch from `train + epoch`.
 */
export function splitSeeds(seed: number): { train: number; val: number; test: number } {
  return { train: seed * 1000 + 100, val: seed * 1000 + 1, test: seed * 1000 + 2 };
}

export function makeSplit(name: string, count: number, seed: number, opts: GenerateOptions = {}): Split {
  const data = generateDataset(count, seed, opts);
  return { name, data, ...toTensors(data) };
}

export function disposeSplit(s: Split): void {
  s.x.dispose();
  s.y.dispose();
}
