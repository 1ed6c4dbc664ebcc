/**
 * `pnpm train`: train the two-head baseline on one fixed set of generated scenes (both losses),
 * keep the best validation epoch, and save it to the recipe's baseline.dir with training.json.
 * start.ts calls trainBaseline when model/ is missing. Options: --recipe <file>.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, startBackend, timedLog } from '@prunekit/example-kit';
import { saveModel } from '@prunekit/layers/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { disposeSplit, makeSplit, splitSeeds } from './data.js';
import { createMultitaskModel } from './model.js';
import { loadRecipe, type Recipe } from './recipe.js';
import { type EpochRecord, trainMultitask } from './train.js';

export interface BaselineSummary {
  readonly scenes: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly valSignAccuracy: number;
  readonly valLaneMIoU: number;
  readonly seconds: number;
  readonly seed: number;
  readonly history: readonly { epoch: number; loss: number; valSign: number; valLane: number }[];
}

export async function trainBaseline(
  recipe: Recipe,
  log: (line: string) => void,
): Promise<{ model: tfl.LayersModel; summary: BaselineSummary }> {
  const t0 = performance.now();
  const seeds = splitSeeds(recipe.seed);
  log(`baseline: generating ${recipe.data.train} training and ${recipe.data.val} validation scenes`);
  const train = makeSplit('train', recipe.data.train, seeds.train);
  const val = makeSplit('val', recipe.data.val, seeds.val);
  try {
    const model = createMultitaskModel({
      numSigns: train.data.signNames.length,
      numLaneClasses: train.data.laneNames.length,
      ...recipe.model,
      seed: recipe.seed,
    });
    const res = await trainMultitask(
      model,
      train,
      val,
      { ...recipe.baseline, loss: recipe.loss },
      { seed: recipe.seed, log, label: 'baseline' },
    );
    const best = res.history[res.bestEpoch] as EpochRecord;
    return {
      model,
      summary: {
        scenes: recipe.data.train,
        epochs: recipe.baseline.epochs,
        bestEpoch: res.bestEpoch,
        valSignAccuracy: best.val.signAccuracy,
        valLaneMIoU: best.val.laneMIoU,
        seconds: (performance.now() - t0) / 1000,
        seed: recipe.seed,
        history: res.history.map((h) => ({
          epoch: h.epoch,
          loss: h.loss,
          valSign: h.val.signAccuracy,
          valLane: h.val.laneMIoU,
        })),
      },
    };
  } finally {
    disposeSplit(train);
    disposeSplit(val);
  }
}

/** Trains and saves the baseline into `dir` (model.json, weights, training.json). */
export async function trainAndSave(
  recipe: Recipe,
  dir: string,
  log: (line: string) => void,
): Promise<tfl.LayersModel> {
  const { model, summary } = await trainBaseline(recipe, log);
  await saveModel(model, dir, { overwrite: true });
  writeFileSync(join(dir, 'training.json'), `${JSON.stringify({ backend: 'wasm', ...summary }, null, 2)}\n`);
  log(`baseline: saved ${dir} (${summary.seconds.toFixed(1)} s)`);
  return model;
}

async function main(): Promise<void> {
  const { log } = timedLog();
  const recipeFile = resolve(
    arg('recipe') ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'recipe.yaml'),
  );
  const recipe = loadRecipe(recipeFile);
  log(`backend: ${await startBackend('wasm')}`);
  const model = await trainAndSave(recipe, resolve(dirname(recipeFile), recipe.baseline.dir), log);
  model.dispose();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
