/** The graph every command builds from the recipe's model, with the layers the recipe leaves out of pruning. */
import type { ModelGraph } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from '../recipe/schema.js';

/**
 * The union of the structured and unstructured sections' `ignore` lists: a layer of a class with no
 * spec among them (e.g. Embedding) stays an opaque node in every graph the run builds, as
 * UnsupportedLayerError's suggestion says.
 */
export function recipeIgnore(recipe: Pick<Recipe, 'structured' | 'unstructured'>): string[] {
  return [...new Set([...(recipe.structured?.ignore ?? []), ...(recipe.unstructured?.ignore ?? [])])];
}

/** `buildGraph(model)` with the recipe's {@link recipeIgnore} list. */
export function recipeGraph(
  model: tfl.LayersModel,
  recipe: Pick<Recipe, 'structured' | 'unstructured'>,
): ModelGraph {
  return buildGraph(model, { ignore: recipeIgnore(recipe) });
}
