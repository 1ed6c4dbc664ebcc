/**
 * Structured pruning to a MACs target: the smallest global channel ratio (bisection) whose plan,
 * applied by surgery, leaves at most 1/target of the baseline's MACs. Channel groups of the
 * recipe's ignored (head) layers and the two outputs keep every channel.
 */
import { computeMetrics } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { type ChannelPruneResult, channelPruner } from '@prunekit/pruners';
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
  const graph = buildGraph(baseline);
  const baseMacs = computeMetrics(graph).macs;
  const prune = async (ratio: number): Promise<StructuredPrune> => {
    const result = await channelPruner(graph, {
      scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
      ratio,
      scope: 'global',
      roundTo: o.roundTo,
      ignore: o.ignore,
      seed: o.seed,
    }).run();
    return { result, ratio, reduction: baseMacs / computeMetrics(buildGraph(result.model)).macs };
  };
  let lo = 0.02;
  let hi = 0.9;
  let best = await prune(hi);
  if (best.reduction < o.target) return best; // the most the pruner may remove; reported as is
  while (hi - lo > (o.tolerance ?? 0.01)) {
    const mid = +((lo + hi) / 2).toFixed(4);
    const p = await prune(mid);
    if (p.reduction >= o.target) {
      best.result.model.dispose();
      best = p;
      hi = mid;
    } else {
      p.result.model.dispose();
      lo = mid;
    }
  }
  return best;
}
