/** Named splits draw their maps from seeds derived from the recipe seed, so no map is shared. */
import { createRng } from '@prunekit/core';
import { type Demonstrations, generateDemonstrations } from './sim/dataset.js';
import { type Episode, generateEpisodes } from './sim/maps.js';
import type { MapParams } from './sim/params.js';

export type SplitName = 'train' | 'finetune' | 'val' | 'test';
const OFFSET: Record<SplitName, number> = { train: 1, finetune: 2, val: 3, test: 4 };

export function splitSeed(seed: number, split: SplitName): number {
  return (seed * 7919 + OFFSET[split] * 104729) >>> 0;
}

export function demonstrations(
  p: MapParams,
  seed: number,
  split: SplitName,
  episodes: number,
  radius: number,
  offPath: number,
): Demonstrations {
  return generateDemonstrations(p, { episodes, seed: splitSeed(seed, split), radius, offPath });
}

/** Held-out episodes for closed-loop rollouts (their own seed stream, not the demonstrations'). */
export function rolloutEpisodes(p: MapParams, seed: number, split: SplitName, count: number): Episode[] {
  return generateEpisodes(p, createRng(splitSeed(seed, split) + 1), count);
}
