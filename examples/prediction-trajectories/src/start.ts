/**
 * `pnpm start`: load (or train) the baseline, run the pipeline on 'wasm', write results.json and
 * results.md beside the recipe's example folder (or --results <dir>).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendError } from '@prunekit/core';
import { arg, initWasmBackend, timedLog, writeResults } from '@prunekit/example-kit';
import { loadModel, saveModel } from '@prunekit/layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { DEFAULT_PARAMS } from './sim/params.js';
import { trainBaseline } from './train_baseline.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { log } = timedLog();
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await initWasmBackend();
  if (backend !== 'wasm') throw new BackendError(`start needs the 'wasm' backend, got '${backend}'.`);
  log(`backend: ${backend}; recipe: ${recipeFile}`);
  const modelDir = resolve(dirname(recipeFile), recipe.baseline.dir);
  let baseline: LayersModel;
  if (existsSync(join(modelDir, 'model.json'))) {
    log(`baseline: loading ${modelDir}`);
    baseline = await loadModel(join(modelDir, 'model.json'));
  } else {
    log(`baseline: ${modelDir} missing, training one`);
    const trained = await trainBaseline(recipe, DEFAULT_PARAMS, log);
    baseline = trained.model;
    await saveModel(baseline, modelDir, { overwrite: true });
    writeFileSync(
      join(modelDir, 'training.json'),
      `${JSON.stringify({ backend, ...trained.summary }, null, 2)}\n`,
    );
  }
  const outDir = resolve(dirname(recipeFile), recipe.output.dir);
  mkdirSync(outDir, { recursive: true });
  const result = await runPipeline({ recipe, params: DEFAULT_PARAMS, baseline, outDir, log });
  baseline.dispose();
  const resultsDir = arg('results') ? resolve(arg('results')!) : exampleDir;
  writeResults(resultsDir, result.doc, result.markdown);
  log(`done in ${result.seconds.toFixed(1)} s; wrote results.json and results.md to ${resultsDir}`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
