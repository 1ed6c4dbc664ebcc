/**
 * Structured pruning to a MACs target: the smallest channel ratio (bisection over [0.05, 0.95],
 * to ±0.01) whose pruned model — channels and neurons removed by surgery, a smaller ordinary
 * LayersModel — has at least `target` times fewer MACs than the baseline.
 */
import { computeMetrics } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { type ChannelScope, channelPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface StructuredOptions {
  readonly target: number;
  readonly scope: ChannelScope;
  readonly roundTo: number;
  readonly seed: number;
}

export interface StructuredModel {
  readonly model: tfl.LayersModel;
  readonly ratio: number;
  readonly reduction: number;
  /** Per-layer params and MACs before → after. */
  readonly table: string;
}

export async function pruneToMacs(baseline: tfl.LayersModel, o: StructuredOptions): Promise<StructuredModel> {
  const graph = buildGraph(baseline);
  const baseMacs = computeMetrics(graph).macs;
  const prune = async (ratio: number): Promise<StructuredModel> => {
    const res = await channelPruner(graph, {
      scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
      ratio,
      scope: o.scope,
      roundTo: o.roundTo,
      seed: o.seed,
    }).run();
    const reduction = baseMacs / computeMetrics(buildGraph(res.model)).macs;
    return { model: res.model, ratio, reduction, table: res.report().table };
  };
  let best = await prune(0.95);
  if (best.reduction < o.target) return best; // the most it may remove; reported as is
  let [lo, hi] = [0.05, 0.95];
  while (hi - lo > 0.01) {
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
