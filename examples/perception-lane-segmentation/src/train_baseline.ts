/**
 * `pnpm train`: generate the recipe's training and validation scenes, train the encoder–decoder on
 * 'wasm', save it to the recipe's baseline folder (model.json + weights + training.json).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, initWasmBackend, timedLog } from '@prunekit/example-kit';
import { saveModel } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluateSeg } from './evaluate.js';
import { LANE_CLASS_NAMES } from './generator.js';
import { createSegNet } from './model.js';
import { loadRecipe, type Recipe } from './recipe.js';
import { disposeSplit, makeSplit } from './splits.js';
import { train } from './train.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Trains a fresh network as the recipe says; returns it with its validation figures. */
export async function trainBaseline(
  r: Recipe,
  log: (l: string) => void,
): Promise<{ model: tfl.LayersModel; summary: Record<string, unknown> }> {
  const t0 = performance.now();
  const tr = makeSplit(r, 'train', r.data.train);
  const val = makeSplit(r, 'val', r.data.val);
  const model = createSegNet({
    height: r.data.height,
    width: r.data.width,
    classes: LANE_CLASS_NAMES.length,
    widths: r.model.widths,
    seed: r.seed,
  });
  try {
    log(
      `train: ${tr.data.count} scenes of ${r.data.height}×${r.data.width}, ${model.countParams()} parameters`,
    );
    const b = r.baseline;
    await train(model, tr, { ...b, classWeights: r.loss.classWeights, seed: r.seed }, log, 'baseline');
    const ev = evaluateSeg(model, val);
    const seconds = (performance.now() - t0) / 1000;
    log(
      `baseline: val mIoU ${(100 * ev.miou).toFixed(2)}% (${ev.iou.map((v) => (100 * v).toFixed(1)).join(' / ')}), ${seconds.toFixed(1)} s`,
    );
    return {
      model,
      summary: { ...b, scenes: tr.data.count, valMiou: ev.miou, valIou: ev.iou, seconds, seed: r.seed },
    };
  } finally {
    disposeSplit(tr);
    disposeSplit(val);
  }
}

async function main(): Promise<void> {
  const { log } = timedLog();
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await initWasmBackend();
  log(`backend: ${backend}`);
  const { model, summary } = await trainBaseline(recipe, log);
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
