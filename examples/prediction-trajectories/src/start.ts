/**
 * `pnpm start`: load the baseline (or train one when the recipe's model folder is missing), run the
 * pipeline on 'wasm', write results.json and results.md into the example folder (or --results <dir>).
 * The plumbing (recipe, backend, baseline, results files) is example-kit's startExample.
 */
import { startExample } from '@prunekit/example-kit';
import * as tf from '@tensorflow/tfjs-core';
import { runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { exampleDir } from './setup.js';
import { DEFAULT_PARAMS } from './sim/params.js';
import { trainAndSave } from './train_baseline.js';

startExample({
  exampleDir,
  loadRecipe,
  trainAndSave: (recipe, dir, log) => trainAndSave(recipe, dir, tf.getBackend(), log),
  pipeline: (run) => runPipeline({ ...run, params: DEFAULT_PARAMS }),
});
