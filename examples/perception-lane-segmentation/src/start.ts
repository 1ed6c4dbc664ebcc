/**
 * `pnpm start`: load the committed baseline (train and save one if model/ is missing), run the
 * pipeline (prune → fine-tune → evaluate → latency) and write results.json + results.md beside this
 * package. Options: --recipe <file>, --results <dir>.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { arg, timedLog, writeResults } from '@prunekit/example-kit';
import { loadModel } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { runPipeline } from './pipeline.js';
import { exampleDir, prepare, runIfMain, type ScriptContext } from './script.js';
import { saveBaseline, trainBaseline } from './train_baseline.js';

async function baselineFor(ctx: ScriptContext, log: (l: string) => void): Promise<tfl.LayersModel> {
  const dir = resolve(ctx.base, ctx.recipe.baseline.dir);
  const file = join(dir, 'model.json');
  if (existsSync(file)) {
    log(`baseline: loading ${file}`);
    return loadModel(file);
  }
  log(`baseline: ${file} missing, training one`);
  const { model, summary } = await trainBaseline(ctx.recipe, log);
  await saveBaseline(model, summary, dir, ctx.backend);
  return model;
}

runIfMain(import.meta.url, async () => {
  const { log } = timedLog();
  const ctx = await prepare();
  log(`backend: ${ctx.backend}; recipe: ${ctx.recipeFile}`);
  const baseline = await baselineFor(ctx, log);
  const outDir = resolve(ctx.base, ctx.recipe.output.dir);
  mkdirSync(outDir, { recursive: true });
  try {
    const result = await runPipeline({ recipe: ctx.recipe, baseline, outDir, log });
    writeResults(resolve(arg('results') ?? exampleDir), result.doc, result.markdown);
    log(`pipeline ${result.seconds.toFixed(1)} s; results.json and results.md written`);
  } finally {
    baseline.dispose();
  }
});
