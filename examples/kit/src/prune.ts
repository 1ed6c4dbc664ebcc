/** The examples' standard unstructured step: the recipe's `unstructured` section at one level. */
import { type PrunedCopy, pruneStage, type UnstructuredConfig } from '@prunekit/recipe';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** A pruned copy of `baseline` (left as it is) through `@prunekit/recipe`'s prune stage. */
export function pruneUnstructuredCopy(
  baseline: LayersModel,
  recipe: { readonly seed: number; readonly unstructured: UnstructuredConfig },
  level: number,
  baseDir: string,
): Promise<PrunedCopy> {
  return pruneStage({
    dense: baseline,
    method: 'unstructured',
    section: recipe.unstructured,
    level,
    seed: recipe.seed,
    baseDir,
  });
}
