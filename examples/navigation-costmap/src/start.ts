/**
 * `pnpm start`: load the committed baseline (train one if model/ is missing), run the pipeline
 * (prune under the collision guard → fine-tune → offline and closed-loop evaluation → latency) and
 * write results.json + results.md beside this package. Options: --recipe <file>, --results <dir>.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, initWasmBackend, timedLog, writeResults } from '@prunekit/example-kit';
import { loadModel, saveModel } from '@prunekit/layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { DEFAULT_MAP_PARAMS } from './sim/params.js';
import { trainBaseline } from './train_baseline.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { log } = timedLog();
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await initWasmBackend();
  if (backend !== 'wasm') throw new Error(`expected the 'wasm' backend, got '${backend}'`);
  log(`backend: ${backend}; recipe: ${recipeFile}`);
  const modelDir = resolve(dirname(recipeFile), recipe.baseline.dir);
  let baseline: LayersModel;
  if (existsSync(join(modelDir, 'model.json'))) {
    log(`baseline: loading ${modelDir}`);
    baseline = await loadModel(join(modelDir, 'model.json'));
  } else {
    log(`baseline: ${modelDir} missing, training one`);
    baseline = (await trainBaseline(recipe, DEFAULT_MAP_PARAMS, log)).model;
    await saveModel(baseline, modelDir, { overwrite: true });
  }
  const outDir = resolve(dirname(recipeFile), recipe.output.dir);
  mkdirSync(outDir, { recursive: true });
  const result = await runPipeline({ recipe, params: DEFAULT_MAP_PARAMS, baseline, outDir, log });
  baseline.dispose();
  writeResults(resolve(arg('results') ?? exampleDir), result.doc, result.markdown);
  log(`done in ${result.seconds.toFixed(1)} s; wrote results.json and results.md`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
