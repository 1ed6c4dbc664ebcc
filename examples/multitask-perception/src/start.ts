/**
 * `pnpm start`: load the committed baseline (train one if model/ is missing), run the pipeline
 * (prune the shared backbone → fine-tune with both losses → evaluate both heads → latency) and
 * write results.json + results.md beside this package. Options: --recipe <file>, --results <dir>.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExample } from '@prunekit/example-kit';
import { runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { trainAndSave } from './train_baseline.js';

startExample({
  exampleDir: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  loadRecipe,
  trainAndSave,
  pipeline: runPipeline,
});
