/**
 * The two pruning methods of a run. Structured: whole channels removed by channelPruner over the
 * dependency groups (Concatenate couples each skip's encoder channels to the decoder convolution
 * that reads them; UpSampling2D and MaxPooling2D pass channels through), surgery returning a
 * smaller ordinary model — at the smallest channel ratio (bisection) that cuts the MACs by the
 * target. Unstructured: the |w|-smallest weights of each layer zeroed, masks kept for fine-tuning.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MaskSet } from '@prunekit/core';
import { pruneUnstructuredCopy } from '@prunekit/example-kit';
import { structuredToMacs } from '@prunekit/recipe';
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
  const res = await structuredToMacs(baseline, {
    target: r.structured.macsReduction,
    pruner: {
      scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
      scope: r.structured.scope,
      roundTo: r.structured.roundTo,
      seed: r.seed,
    },
    lo: 0.05,
    hi: 0.9,
  });
  return { model: res.model, ratio: res.ratio, reduction: res.reduction, report: res.result.report().table };
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
