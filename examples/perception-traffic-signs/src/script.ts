/** Command-line plumbing shared by the example's scripts (start, compress). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadRecipe, type Recipe } from './recipe.js';

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Writes a text file through a temporary name so a reader never sees half of it. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** A logger to stderr that stamps each line with the seconds since it was made. */
export function timedLog(): { log: (line: string) => void; seconds: () => number } {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  return {
    log: (line) => process.stderr.write(`[${seconds().toFixed(1).padStart(6)} s] ${line}\n`),
    seconds,
  };
}

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
