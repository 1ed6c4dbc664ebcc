/**
 * `pnpm start`: load the committed baseline (train one if model/ is missing), run the pipeline
 * (prune under the brake-recall guard → fine-tune → evaluate offline and closed-loop → latency)
 * and write results.json + results.md beside this package. Options: --recipe <file>, --results <dir>.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, saveModel } from '@prunekit/layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { initBackend } from './backend.js';
import { runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { DEFAULT_PARAMS } from './sim/params.js';
import { trainBaseline } from './train_baseline.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await initBackend();
  log(`backend: ${backend}; recipe: ${recipeFile}`);
  const modelDir = resolve(dirname(recipeFile), recipe.baseline.dir);
  let baseline: LayersModel;
  if (existsSync(join(modelDir, 'model.json'))) {
    log(`baseline: loading ${modelDir}`);
    baseline = await loadModel(join(modelDir, 'model.json'));
  } else {
    log(`baseline: ${modelDir} missing, training one`);
    baseline = (await trainBaseline(recipe, DEFAULT_PARAMS, log)).model;
    await saveModel(baseline, modelDir, { overwrite: true });
  }
  const outDir = resolve(dirname(recipeFile), recipe.output.dir);
  mkdirSync(outDir, { recursive: true });
  const result = await runPipeline({ recipe, params: DEFAULT_PARAMS, baseline, outDir, log });
  baseline.dispose();
  const resultsDir = arg('results') ? resolve(arg('results')!) : exampleDir;
  writeAtomic(join(resultsDir, 'results.json'), `${JSON.stringify(result.doc, null, 2)}\n`);
  writeAtomic(join(resultsDir, 'results.md'), `${result.markdown}\n`);
  process.stdout.write(
    `${result.doc.goals.map((g) => `${g.name}: ${g.value.toFixed(4)} (${g.op} ${g.target})`).join('\n')}\n`,
  );
  log(`done in ${result.seconds.toFixed(1)} s; wrote results.json and results.md`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
