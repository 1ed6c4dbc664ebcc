/**
 * The two pruning methods of a run. Structured: whole channels removed by channelPruner over the
 * dependency groups (Concatenate couples each skip's encoder channels to the decoder convolution
 * that reads them; UpSampling2D and MaxPooling2D pass channels through), surgery returning a
 * smaller ordinary model — at the smallest channel ratio (bisection) that cuts the MACs by the
 * target. Unstructured: the |w|-smallest weights of each layer zeroed, masks kept for fine-tuning.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeMetrics, type MaskSet } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { channelPruner } from '@prunekit/pruners';
import { pruneUnstructuredCopy } from '@prunekit/example-kit';
import { magnitude } from '@prunekit/scorers';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from './recipe.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface StructuredResult {
  readonly model: tfl.LayersModel;
  readonly ratio: number;
  readonly reduction: number;
  /** The pruner's per-layer report (channels before → after). */
  readonly report: string;
}

export async function pruneStructured(baseline: tfl.LayersModel, r: Recipe): Promise<StructuredResult> {
  const graph = buildGraph(baseline);
  const baseMacs = computeMetrics(graph).macs;
  const prune = async (ratio: number) => {
    const res = await channelPruner(graph, {
      scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
      ratio,
      scope: r.structured.scope,
      roundTo: r.structured.roundTo,
      seed: r.seed,
    }).run();
    const reduction = baseMacs / computeMetrics(buildGraph(res.model)).macs;
    return { model: res.model, ratio, reduction, report: res.report().table };
  };
  let [lo, hi] = [0.05, 0.9];
  let best = await prune(hi);
  if (best.reduction < r.structured.macsReduction) return best; // the most it may remove, reported as is
  while (hi - lo > 0.01) {
    const mid = +((lo + hi) / 2).toFixed(4);
    const p = await prune(mid);
    if (p.reduction >= r.structured.macsReduction) {
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

/** A pruned copy of the baseline at `level` as the recipe's unstructured section says (the shared prune stage). */
export async function pruneUnstructured(
  baseline: tfl.LayersModel,
  r: Recipe,
  level: number,
): Promise<{ model: tfl.LayersModel; masks: MaskSet }> {
  const res = await pruneUnstructuredCopy(baseline, r, level, exampleDir);
  return { model: res.model, masks: res.masks ?? new Map() };
}
