/**
 * `pnpm train`: generate the recipe's training and validation demonstrations, train the CNN policy
 * on 'wasm' by imitating the A* expert, save it to the recipe's baseline folder (model.json,
 * weights, training.json).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, startBackend, timedLog } from '@prunekit/example-kit';
import { saveModel } from '@prunekit/layers/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { agreement, disposeSplit, toSplit } from './data.js';
import { createPolicy } from './model.js';
import { loadRecipe, type Recipe } from './recipe.js';
import { headingCounts } from './sim/dataset.js';
import type { MapParams } from './sim/params.js';
import { DEFAULT_MAP_PARAMS } from './sim/params.js';
import { demonstrations } from './splits.js';
import { fit } from './train.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Trains a fresh policy as the recipe says; returns it with a summary for training.json. */
export async function trainBaseline(
  r: Recipe,
  p: MapParams,
  log: (l: string) => void,
): Promise<{ model: tfl.LayersModel; summary: Record<string, unknown> }> {
  const t0 = performance.now();
  const { radius } = r.observation;
  const d = demonstrations(p, r.seed, 'train', r.data.train, radius, r.data.offPath);
  log(`train: ${d.count} states from ${r.data.train} maps, headings ${headingCounts(d.y).join('/')} (E..SE)`);
  const tr = toSplit(d);
  const val = toSplit(demonstrations(p, r.seed, 'val', r.data.val, radius, r.data.offPath));
  const model = createPolicy({ radius, filters: r.policy.filters, dense: r.policy.dense, seed: r.seed });
  try {
    const b = r.baseline;
    await fit(model, tr, val, { ...b, patience: 0, seed: r.seed, log: (l) => log(`baseline ${l}`) });
    const valAgreement = agreement(model, val);
    const seconds = (performance.now() - t0) / 1000;
    log(`baseline: val agreement ${(100 * valAgreement).toFixed(2)}% (${seconds.toFixed(1)} s)`);
    return { model, summary: { ...b, states: tr.count, valAgreement, seconds, seed: r.seed } };
  } finally {
    disposeSplit(tr);
    disposeSplit(val);
  }
}

async function main(): Promise<void> {
  const { log } = timedLog();
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const backend = await startBackend('wasm');
  if (backend !== 'wasm') throw new Error(`expected the 'wasm' backend, got '${backend}'`);
  log(`backend: ${backend}`);
  const { model, summary } = await trainBaseline(recipe, DEFAULT_MAP_PARAMS, log);
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
