/**
 * Structured pruning to a MACs target: the first channel ratio on a 0.05 grid whose plain
 * (unguarded) plan reaches the target, then the guarded prune at that ratio; if the guard rolls
 * groups back and the target slips, the ratio climbs the grid again (up to 0.9) on what is left.
 */
import { computeMetrics } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import {
  type ChannelPrunerOptions,
  channelPruner,
  type GuardLog,
  guardedChannelPrune,
  guardSummary,
  type SafetyGuard,
} from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from './recipe.js';

export interface StructuredResult {
  readonly model: tfl.LayersModel;
  readonly log: GuardLog;
  readonly ratio: number;
  readonly reduction: number;
}

/** The channel pruner's settings at `ratio`: L2-magnitude scores, the recipe's scope and rounding. */
export function channelSettings(r: Recipe, ratio: number): ChannelPrunerOptions {
  return {
    scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
    ratio,
    scope: r.structured.scope,
    roundTo: r.structured.roundTo,
    seed: r.seed,
  };
}

const GRID = Array.from({ length: 18 }, (_, i) => +(0.05 * (i + 1)).toFixed(2));

export async function pruneToMacs(
  baseline: tfl.LayersModel,
  r: Recipe,
  safety: SafetyGuard,
  log: (l: string) => void,
): Promise<StructuredResult> {
  const graph = buildGraph(baseline);
  const macs0 = computeMetrics(graph).macs;
  const reductionOf = (m: tfl.LayersModel) => macs0 / computeMetrics(buildGraph(m)).macs;
  const settings = (ratio: number) => channelSettings(r, ratio);
  let k = 0;
  for (; k < GRID.length - 1; k++) {
    const plain = await channelPruner(graph, settings(GRID[k])).run();
    const reaches = reductionOf(plain.model) >= r.structured.macsReduction;
    plain.model.dispose();
    if (reaches) break;
  }
  for (; ; k++) {
    const ratio = GRID[k];
    const res = await guardedChannelPrune(graph, settings(ratio), safety);
    const reduction = reductionOf(res.model);
    const { accepted, rejected } = guardSummary(res.log);
    log(
      `structured: ratio ${ratio} → ${reduction.toFixed(2)}x fewer MACs (guard kept ${accepted}, rolled back ${rejected})`,
    );
    if (reduction >= r.structured.macsReduction || k === GRID.length - 1)
      return { model: res.model, log: res.log, ratio, reduction };
    res.model.dispose();
  }
}
