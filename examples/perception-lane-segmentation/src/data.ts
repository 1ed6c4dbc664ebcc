/** Lane datasets as tensors: images scaled to 0..1, masks one-hot per pixel. */
import * as tf from '@tensorflow/tfjs-core';
import type { LaneDataset } from './generator.js';

/** x [n, h, w, 3] float32 in 0..1; y [n, h, w, numClasses] one-hot float32. The caller disposes both. */
export function toTensors(ds: LaneDataset): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const pixels = new Float32Array(ds.images.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ds.images[i] / 255;
  const x = tf.tensor4d(pixels, [ds.count, ds.height, ds.width, 3]);
  const k = ds.numClasses;
  const onehot = new Float32Array(ds.masks.length * k);
  for (let p = 0; p < ds.masks.length; p++) onehot[p * k + ds.masks[p]] = 1;
  const y = tf.tensor4d(onehot, [ds.count, ds.height, ds.width, k]);
  return { x, y };
}
