/**
 * Structured pruning to a MACs target: the smallest channel ratio (bisection over [lo, hi] until
 * the bracket is `tolerance` wide) whose pruned model — channels removed by surgery, a smaller
 * ordinary LayersModel — has at least `target` times fewer MACs than the dense model. If even `hi`
 * falls short, the model at `hi` is returned as is (its `reduction` says by how much).
 */
import { computeMetrics, InvalidArgumentError } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { type ChannelPruneResult, type ChannelPrunerOptions, channelPruner } from '@prunekit/pruners';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Options of structuredToMacs: the MACs reduction to reach, the channel pruner's settings and the ratio
 * bracket.
 */
export interface MacsTargetOptions {
  /** Dense MACs / pruned MACs to reach (> 1). */
  readonly target: number;
  /** The channel pruner's settings; `ratio` is what the search sets. */
  readonly pruner: Omit<ChannelPrunerOptions, 'ratio'>;
  /** Ratio bracket (default [0.05, 0.9]) and its final width (default 0.01). */
  readonly lo?: number;
  readonly hi?: number;
  readonly tolerance?: number;
}

/**
 * What structuredToMacs returns: the pruner's result and model at the chosen ratio, and the MACs
 * reduction reached.
 */
export interface MacsTargetResult {
  /** The pruner's result at `ratio`; its model is the caller's to dispose. */
  readonly result: ChannelPruneResult;
  readonly model: tfl.LayersModel;
  readonly ratio: number;
  /** Dense MACs / pruned MACs. */
  readonly reduction: number;
}

/**
 * Bisects the channel ratio for the smallest one whose pruned copy of `dense` has `target` times fewer
 * MACs.
 */
export async function structuredToMacs(
  dense: tfl.LayersModel,
  o: MacsTargetOptions,
): Promise<MacsTargetResult> {
  let lo = o.lo ?? 0.05;
  let hi = o.hi ?? 0.9;
  if (!(lo > 0 && hi < 1 && lo < hi)) {
    throw new InvalidArgumentError(
      `structuredToMacs: the channel ratio range [lo, hi] must have 0 < lo < hi < 1, got [${lo}, ${hi}]; pass a narrower range.`,
      { field: 'ratioRange', lo, hi },
    );
  }
  const graph = buildGraph(dense);
  const denseMacs = computeMetrics(graph).macs;
  const prune = async (ratio: number): Promise<MacsTargetResult> => {
    const result = await channelPruner(graph, { ...o.pruner, ratio }).run();
    const reduction = denseMacs / computeMetrics(buildGraph(result.model)).macs;
    return { result, model: result.model, ratio, reduction };
  };
  let best = await prune(hi);
  if (best.reduction < o.target) return best;
  while (hi - lo > (o.tolerance ?? 0.01)) {
    const mid = +((lo + hi) / 2).toFixed(4);
    const p = await prune(mid);
    if (p.reduction >= o.target) {
      best.model.dispose();
      best = p;
      hi = mid;
    } else {
      p.model.dispose();
      lo = mid;
    }
  }
  return best;
}
