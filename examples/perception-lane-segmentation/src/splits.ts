/**
 * The data splits of a run, from the recipe's seed: seeds far apart so no scene repeats across
 * splits. Baseline training draws a fresh set every epoch (seed `train + epoch`).
 */
import type { Recipe } from './recipe.js';
import { toTensors } from './data.js';
import { generateLanes, type LaneDataset } from './generator.js';
import type * as tf from '@tensorflow/tfjs-core';

export type SplitName = 'train' | 'finetune' | 'val' | 'test';

const OFFSET: Record<SplitName, number> = { train: 100, finetune: 50, val: 1, test: 2 };

export function splitSeed(seed: number, split: SplitName, epoch = 0): number {
  return seed * 1000 + OFFSET[split] + epoch;
}

export interface Split {
  readonly data: LaneDataset;
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor4D;
}

export function makeSplit(r: Recipe, split: SplitName, count: number, epoch = 0): Split {
  const data = generateLanes(splitSeed(r.seed, split, epoch), count, {
    height: r.data.height,
    width: r.data.width,
  });
  return { data, ...toTensors(data) };
}

export function disposeSplit(s: Split): void {
  s.x.dispose();
  s.y.dispose();
}
