/**
 * Structured pruning to a MACs target (the shared `structuredToMacs` stage): the smallest global
 * channel ratio (bisection over [0.02, 0.9]) whose plan, applied by surgery, leaves at most
 * 1/target of the baseline's MACs. Channel groups of the recipe's ignored (head) layers and the two
 * outputs keep every channel.
 */
import type { ChannelPruneResult } from '@prunekit/pruners';
import { structuredToMacs } from '@prunekit/recipe';
import { magnitude } from '@prunekit/scorers';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface StructuredPrune {
  readonly result: ChannelPruneResult;
  readonly ratio: number;
  /** Baseline MACs / pruned MACs. */
  readonly reduction: number;
}

export interface StructuredOptions {
  readonly target: number;
  readonly roundTo: number;
  readonly ignore: readonly string[];
  readonly seed: number;
  /** Bisection stops when the ratio bracket is this narrow (default 0.01). */
  readonly tolerance?: number;
}

export async function pruneToMacs(baseline: tfl.LayersModel, o: StructuredOptions): Promise<StructuredPrune> {
  const res = await structuredToMacs(baseline, {
    target: o.target,
    pruner: {
      scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
      scope: 'global',
      roundTo: o.roundTo,
      ignore: o.ignore,
      seed: o.seed,
    },
    lo: 0.02,
    hi: 0.9,
    tolerance: o.tolerance,
  });
  return { result: res.result, ratio: res.ratio, reduction: res.reduction };
}
