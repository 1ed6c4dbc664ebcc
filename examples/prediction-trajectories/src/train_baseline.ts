/**
 * `pnpm train`: generate the recipe's training and validation samples, train the predictor on
 * 'wasm', save it to the recipe's baseline folder (model.json + weights + training.json).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '@prunekit/layers/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { disposeSplit, toSplit } from './data.js';
import { evaluateConstantVelocity, evaluateModel } from './evaluate.js';
import { createPredictor } from './model.js';
import type { Recipe } from './recipe.js';
import { runMain, setUp } from './setup.js';
import { DEFAULT_PARAMS, type SimParams } from './sim/params.js';
import { samplesFor } from './splits.js';
import { train } from './train.js';

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

/** Trains, saves the model and its training.json into `dir`; returns the model. */
export async function trainAndSave(
  recipe: Recipe,
  dir: string,
  backend: string,
  log: (l: string) => void,
): Promise<tfl.LayersModel> {
  const { model, summary } = await trainBaseline(recipe, DEFAULT_PARAMS, log);
  await saveModel(model, dir, { overwrite: true });
  writeFileSync(join(dir, 'training.json'), `${JSON.stringify({ backend, ...summary }, null, 2)}\n`);
  log(`saved ${dir}`);
  return model;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runMain(async () => {
    const { recipe, modelDir, backend, log } = await setUp();
    (await trainAndSave(recipe, modelDir, backend, log)).dispose();
  });
}
