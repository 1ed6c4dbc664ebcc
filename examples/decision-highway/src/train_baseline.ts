/**
 * `pnpm train`: generate the recipe's training and validation demonstrations, train the MLP policy
 * on 'wasm', save it to the recipe's baseline folder (model.json + weights + training.json).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '@prunekit/layers/node';
import { startBackend } from '@prunekit/example-kit';
import { disposeSplit, toSplit } from './data.js';
import { evaluateOffline } from './evaluate.js';
import { createPolicy } from './model.js';
import { loadRecipe, type Recipe } from './recipe.js';
import { actionCounts } from './sim/dataset.js';
import { featureCount } from './sim/features.js';
import { DEFAULT_PARAMS, type SimParams } from './sim/params.js';
import { demonstrations } from './splits.js';
import { train } from './train.js';
import type * as tfl from '@tensorflow/tfjs-layers';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Trains a fresh policy as the recipe says; returns it with its validation figures. */
export async function trainBaseline(
  recipe: Recipe,
  p: SimParams,
  log: (l: string) => void,
): Promise<{ model: tfl.LayersModel; summary: Record<string, unknown> }> {
  const t0 = performance.now();
  const d = demonstrations(p, recipe.seed, 'train', recipe.data.train);
  const dv = demonstrations(p, recipe.seed, 'val', recipe.data.val);
  log(
    `train: ${d.count} demonstrations, actions ${actionCounts(d.y).join('/')} (keep/left/right/brake/accelerate)`,
  );
  const tr = toSplit(d, recipe.data.repeat);
  const val = toSplit(dv);
  const model = createPolicy({
    features: featureCount(p.road.lanes),
    hidden: recipe.policy.hidden,
    seed: recipe.seed,
  });
  try {
    const b = recipe.baseline;
    await train(model, tr, val, { ...b, patience: 0, seed: recipe.seed }, log, 'baseline');
    const ev = evaluateOffline(model, val);
    const seconds = (performance.now() - t0) / 1000;
    log(
      `baseline: val agreement ${(100 * ev.agreement).toFixed(2)}%, brake recall ${(100 * ev.brakeRecall).toFixed(2)}% (${seconds.toFixed(1)} s)`,
    );
    return {
      model,
      summary: {
        ...b,
        rows: tr.count,
        valAgreement: ev.agreement,
        valBrakeRecall: ev.brakeRecall,
        seconds,
        seed: recipe.seed,
      },
    };
  } finally {
    disposeSplit(tr);
    disposeSplit(val);
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--recipe');
  const recipeFile = resolve(i >= 0 ? process.argv[i + 1] : join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await startBackend('wasm');
  const log = (l: string) => process.stderr.write(`${l}\n`);
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
