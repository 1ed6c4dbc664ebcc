/**
 * Structured pruning to a MACs target: the smallest channel ratio (bisection over [0.05, 0.95],
 * to ±0.01) whose pruned model — channels and neurons removed by surgery, a smaller ordinary
 * LayersModel — has at least `target` times fewer MACs than the baseline (the shared
 * `structuredToMacs` stage).
 */
import type { ChannelScope } from '@prunekit/pruners';
import { structuredToMacs } from '@prunekit/recipe';
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
  const res = await structuredToMacs(baseline, {
    target: o.target,
    pruner: {
      scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
      scope: o.scope,
      roundTo: o.roundTo,
      seed: o.seed,
    },
    lo: 0.05,
    hi: 0.95,
  });
  return { model: res.model, ratio: res.ratio, reduction: res.reduction, table: res.result.report().table };
}
