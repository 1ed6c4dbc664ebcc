/**
 * `pnpm start`: load the baseline (or train one when the recipe's model folder is missing), run the
 * pipeline on 'wasm', write results.json and results.md into the example folder (or --results <dir>).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { arg, writeResults } from '@prunekit/example-kit';
import { loadModel } from '@prunekit/layers';
import { runPipeline } from './pipeline.js';
import { exampleDir, runMain, setUp } from './setup.js';
import { DEFAULT_PARAMS } from './sim/params.js';
import { trainAndSave } from './train_baseline.js';

runMain(async () => {
  const { recipe, recipeFile, modelDir, backend, log } = await setUp();
  const found = existsSync(join(modelDir, 'model.json'));
  log(found ? `baseline: loading ${modelDir}` : `baseline: ${modelDir} missing, training one`);
  const baseline = found
    ? await loadModel(join(modelDir, 'model.json'))
    : await trainAndSave(recipe, modelDir, backend, log);
  const outDir = resolve(dirname(recipeFile), recipe.output.dir);
  mkdirSync(outDir, { recursive: true });
  const result = await runPipeline({ recipe, params: DEFAULT_PARAMS, baseline, outDir, log });
  baseline.dispose();
  const resultsDir = resolve(arg('results') ?? exampleDir);
  writeResults(resultsDir, result.doc, result.markdown);
  log(`done in ${result.seconds.toFixed(1)} s; wrote results.json and results.md to ${resultsDir}`);
});
