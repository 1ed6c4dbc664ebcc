/**
 * Scenes as tensors. Training packs both targets into one row per sample, [sign class, lane class
 * of each pixel…] as float32 (what the packed training view's loss unpacks, see packed.ts);
 * evaluation reads the dataset's labels and masks directly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { generateScenes, type MultitaskDataset } from './scene.js';

export interface Split {
  readonly name: string;
  readonly data: MultitaskDataset;
  /** [n, 32, 32, 3] float32 in 0..1. */
  readonly x: tf.Tensor4D;
  /** [n, 1 + 32·32]: the sign class, then the lane mask's class ids, row-major. */
  readonly y: tf.Tensor2D;
}

export function toTensors(ds: MultitaskDataset): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const pixels = new Float32Array(ds.images.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ds.images[i] / 255;
  const px = ds.size * ds.size;
  const targets = new Float32Array(ds.count * (1 + px));
  for (let i = 0; i < ds.count; i++) {
    targets[i * (1 + px)] = ds.signLabels[i];
    for (let p = 0; p < px; p++) targets[i * (1 + px) + 1 + p] = ds.masks[i * px + p];
  }
  return {
    x: tf.tensor4d(pixels, [ds.count, ds.size, ds.size, 3]),
    y: tf.tensor2d(targets, [ds.count, 1 + px]),
  };
}

/** Seeds of the splits, derived from the recipe's seed and far apart. */
export function splitSeeds(seed: number): { train: number; finetune: number; val: number; test: number } {
  return {
    train: seed * 1000 + 100,
    finetune: seed * 1000 + 200,
    val: seed * 1000 + 1,
    test: seed * 1000 + 2,
  };
}

export function makeSplit(name: string, count: number, seed: number): Split {
  const data = generateScenes(seed, count);
  return { name, data, ...toTensors(data) };
}

export function disposeSplit(s: Split): void {
  s.x.dispose();
  s.y.dispose();
}
