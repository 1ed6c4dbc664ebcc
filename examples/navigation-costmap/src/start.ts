/**
 * `pnpm start`: load the committed baseline (train one if model/ is missing), run the pipeline
 * (prune under the collision guard → fine-tune → offline and closed-loop evaluation → latency) and
 * write results.json + results.md beside this package. Options: --recipe <file>, --results <dir>.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExample } from '@prunekit/example-kit';
import { saveModel } from '@prunekit/layers/node';
import { runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { DEFAULT_MAP_PARAMS } from './sim/params.js';
import { trainBaseline } from './train_baseline.js';

startExample({
  exampleDir: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  loadRecipe,
  trainAndSave: async (recipe, dir, log) => {
    const { model } = await trainBaseline(recipe, DEFAULT_MAP_PARAMS, log);
    await saveModel(model, dir, { overwrite: true });
    return model;
  },
  pipeline: (run) => runPipeline({ ...run, params: DEFAULT_MAP_PARAMS }),
});
