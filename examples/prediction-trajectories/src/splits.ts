/** The recipe's sample sets, each generated from its own seed derived from the recipe's seed. */
import type { Recipe } from './recipe.js';
import type { SimParams } from './sim/params.js';
import { generateSamples, type Samples } from './sim/samples.js';

export type SplitName = 'train' | 'finetune' | 'val' | 'test';

const OFFSET: Record<SplitName, number> = { train: 1, finetune: 2, val: 3, test: 4 };

export function splitSeed(seed: number, name: SplitName): number {
  return (seed * 7919 + OFFSET[name] * 104729) >>> 0;
}

export function samplesFor(p: SimParams, r: Recipe, name: SplitName): Samples {
  return generateSamples(p, {
    samples: r.data[name],
    seed: splitSeed(r.seed, name),
    neighbours: r.data.neighbours,
  });
}
