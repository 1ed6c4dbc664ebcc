/** Command-line plumbing shared by the example's scripts (start, compress). */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { arg } from '@prunekit/example-kit';
import { loadRecipe, type Recipe } from './recipe.js';

export { arg, timedLog, writeAtomic } from '@prunekit/example-kit';

/**
 * The recipe (`--recipe`, default recipe.yaml in `exampleDir`) and the output folder (`--out`, default
 * the recipe's output.dir); folders in the recipe are relative to the recipe file. Creates the folder.
 */
export function recipeAndOut(exampleDir: string): { recipeFile: string; recipe: Recipe; outDir: string } {
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const outDir = resolve(arg('out') ?? resolve(dirname(recipeFile), recipe.output.dir));
  mkdirSync(outDir, { recursive: true });
  return { recipeFile, recipe, outDir };
}
