/**
 * `pnpm train`: generate the recipe's training and validation samples, train the predictor on
 * 'wasm', save it to the recipe's baseline folder (model.json + weights + training.json).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, initWasmBackend, timedLog } from '@prunekit/example-kit';
import { saveModel } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { disposeSplit, toSplit } from './data.js';
import { evaluateConstantVelocity, evaluateModel } from './evaluate.js';
import { createPredictor } from './model.js';
import { loadRecipe, type Recipe } from './recipe.js';
import { DEFAULT_PARAMS, type SimParams } from './sim/params.js';
import { samplesFor } from './splits.js';
import { train } from './train.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Trains a fresh predictor as the recipe says; returns it with its validation figures. */
export async function trainBaseline(
  recipe: Recipe,
  p: SimParams,
  log: (l: string) => void,
): Promise<{ model: tfl.LayersModel; summary: Record<string, unknown> }> {
  const t0 = performance.now();
  const d = samplesFor(p, recipe, 'train');
  const tr = toSplit(d, p.dt);
  const val = toSplit(samplesFor(p, recipe, 'val'), p.dt);
  log(`train: ${tr.count} samples, ${d.channels} channels; validation ${val.count}`);
  const model = createPredictor({ channels: d.channels, ...recipe.model, seed: recipe.seed });
  try {
    const b = recipe.baseline;
    await train(model, tr, val, { ...b, seed: recipe.seed }, log, 'baseline');
    const ev = evaluateModel(model, val);
    const cv = evaluateConstantVelocity(val);
    const seconds = (performance.now() - t0) / 1000;
    log(
      `baseline: val ADE ${ev.ade.toFixed(3)} m, FDE ${ev.fde.toFixed(3)} m, miss ${(100 * ev.missRate).toFixed(2)}% ` +
        `(constant velocity: ${cv.ade.toFixed(3)} / ${cv.fde.toFixed(3)} m) in ${seconds.toFixed(1)} s`,
    );
    return {
      model,
      summary: { ...b, samples: tr.count, val: ev, valConstantVelocity: cv, seconds, seed: recipe.seed },
    };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    disposeSplit(tr);
    disposeSplit(val);
  }
}

async function main(): Promise<void> {
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await initWasmBackend();
  if (backend !== 'wasm') throw new Error(`expected the 'wasm' backend, got '${backend}'`);
  const { log } = timedLog();
  log(`backend: ${backend}`);
  const { model, summary } = await trainBaseline(recipe, DEFAULT_PARAMS, log);
  const dir = resolve(dirname(recipeFile), recipe.baseline.dir);
  await saveModel(model, dir, { overwrite: true });
  writeFileSync(join(dir, 'training.json'), `${JSON.stringify({ backend, ...summary }, null, 2)}\n`);
  log(`saved ${dir}`);
  model.dispose();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
