/** The recipe's demonstration sets, each from its own seed derived from the recipe's seed. */
import type { Demonstrations } from './sim/dataset.js';
import { generateDemonstrations } from './sim/dataset.js';
import type { SimParams } from './sim/params.js';

export type SplitName = 'train' | 'finetune' | 'val' | 'test';

const OFFSET: Record<SplitName, number> = { train: 1, finetune: 2, val: 3, test: 4 };

export function splitSeed(seed: number, name: SplitName): number {
  return (seed * 7919 + OFFSET[name] * 104729) >>> 0;
}

export function demonstrations(p: SimParams, seed: number, name: SplitName, samples: number): Demonstrations {
  return generateDemonstrations(p, { samples, seed: splitSeed(seed, name) });
}
