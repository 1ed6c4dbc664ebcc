/**
 * `pnpm start`: load the committed baseline (train and save one if model/ is missing), run the
 * pipeline (prune → fine-tune → evaluate → latency) and write results.json + results.md beside this
 * package. Options: --recipe <file>, --results <dir>. Plumbing: example-kit's startExample.
 */
import { startExample } from '@prunekit/example-kit';
import * as tf from '@tensorflow/tfjs-core';
import { runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { exampleDir } from './script.js';
import { saveBaseline, trainBaseline } from './train_baseline.js';

startExample({
  exampleDir,
  loadRecipe,
  trainAndSave: async (recipe, dir, log) => {
    const { model, summary } = await trainBaseline(recipe, log);
    await saveBaseline(model, summary, dir, tf.getBackend());
    return model;
  },
  pipeline: runPipeline,
});
