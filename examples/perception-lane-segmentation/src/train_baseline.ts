/**
 * `pnpm train`: generate the recipe's training and validation scenes, train the encoder–decoder on
 * 'wasm', save it to the recipe's baseline folder (model.json + weights + training.json).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { timedLog } from '@prunekit/example-kit';
import { saveModel } from '@prunekit/layers/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluateSeg } from './evaluate.js';
import { LANE_CLASS_NAMES } from './generator.js';
import { createSegNet } from './model.js';
import type { Recipe } from './recipe.js';
import { prepare, runIfMain } from './script.js';
import { disposeSplit, makeSplit } from './splits.js';
import { train } from './train.js';

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

/** Saves a trained baseline and its training summary (training.json) under `dir`. */
export async function saveBaseline(
  model: tfl.LayersModel,
  summary: Record<string, unknown>,
  dir: string,
  backend: string,
): Promise<void> {
  await saveModel(model, dir, { overwrite: true });
  writeFileSync(join(dir, 'training.json'), `${JSON.stringify({ backend, ...summary }, null, 2)}\n`);
}

runIfMain(import.meta.url, async () => {
  const { log } = timedLog();
  const ctx = await prepare();
  log(`backend: ${ctx.backend}`);
  const { model, summary } = await trainBaseline(ctx.recipe, log);
  const dir = resolve(ctx.base, ctx.recipe.baseline.dir);
  await saveBaseline(model, summary, dir, ctx.backend);
  log(`saved ${dir}`);
  model.dispose();
});
