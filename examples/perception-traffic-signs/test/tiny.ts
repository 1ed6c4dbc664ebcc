// Shared set-up of the example's smoke tests: the real recipe shrunk to seconds, and the pipeline run
// on it with a freshly trained one-epoch baseline.
import { join } from 'node:path';
import { trainFromRecipe } from '../src/baseline.js';
import { runPipeline } from '../src/pipeline.js';
import { loadRecipe, type Recipe } from '../src/recipe.js';
import type { Run } from '../src/runs/types.js';
import { NUM_CLASSES } from '../src/signs.js';

export const exampleDir = join(import.meta.dirname, '..');

/** The shipped recipe shrunk to seconds; `levels` replaces the unstructured levels when given. */
export function tinyRecipe(levels?: number[]): Recipe {
  const r = loadRecipe(join(exampleDir, 'recipe.yaml'));
  return {
    ...r,
    data: { val: 32, test: 48, finetune: 64 },
    baseline: { ...r.baseline, epochs: 1, trainSize: 64, batchSize: 32 },
    unstructured: levels ? { ...r.unstructured, levels } : r.unstructured,
    finetune: { ...r.finetune, epochs: 1, batchSize: 32 },
  };
}

/** runPipeline over `runs` with a one-epoch baseline trained from the same recipe. */
export function runTiny(recipe: Recipe, outDir: string, runs: readonly Run[]) {
  return runPipeline({
    recipe,
    outDir,
    runs,
    baseline: async (val) => (await trainFromRecipe(recipe, NUM_CLASSES, val, () => {})).model,
  });
}
