/** What both scripts (`start`, `train`) do first and last: recipe and backend in, errors out. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@prunekit/core';
import { arg, startBackend, runMain } from '@prunekit/example-kit';
import { loadRecipe, type Recipe } from './recipe.js';

export const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ScriptContext {
  readonly recipe: Recipe;
  /** Folder the recipe's relative paths start from. */
  readonly base: string;
  readonly recipeFile: string;
  readonly backend: string;
}

/** Reads `--recipe` (default: this example's recipe.yaml) and starts 'wasm'. */
export async function prepare(): Promise<ScriptContext> {
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await startBackend('wasm');
  if (backend !== 'wasm') throw new InvalidArgumentError(`expected the 'wasm' backend, got '${backend}'.`);
  return { recipe, base: dirname(recipeFile), recipeFile, backend };
}

/** Runs `main` when `moduleUrl` is the script node was started with; prints the error and exits 1 on failure. */
export function runIfMain(moduleUrl: string, main: () => Promise<void>): void {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  runMain(main);
}
