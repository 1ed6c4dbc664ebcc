/** What `start` and `train` do first: read the recipe (--recipe, default recipe.yaml) and start 'wasm'. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendError } from '@prunekit/core';
import { arg, startBackend, timedLog } from '@prunekit/example-kit';
import { loadRecipe, type Recipe } from './recipe.js';

export const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ScriptSetup {
  readonly recipe: Recipe;
  readonly recipeFile: string;
  /** The recipe's baseline folder, resolved against the recipe's folder. */
  readonly modelDir: string;
  readonly backend: string;
  readonly log: (line: string) => void;
}

export { runMain } from '@prunekit/example-kit';

export async function setUp(): Promise<ScriptSetup> {
  const { log } = timedLog();
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await startBackend('wasm');
  if (backend !== 'wasm')
    throw new BackendError(`Training and timing need the 'wasm' backend, got '${backend}'.`);
  log(`backend: ${backend}; recipe: ${recipeFile}`);
  return { recipe, recipeFile, modelDir: resolve(dirname(recipeFile), recipe.baseline.dir), backend, log };
}
