/**
 * How fast the closed-loop simulator runs: generates `--maps` maps (default 10,000), drives the
 * saved `--model` (default out/baseline, written by `pnpm start`) on all of them at once and
 * prints maps per second. `--chunk` sets the rows per forward pass (default POLICY_CHUNK; a large
 * value puts a whole step in one pass). Run from this folder:
 *   npx tsx --conditions=source src/rollout_speed.ts --maps 10000 [--chunk 1000000]
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { arg, startBackend } from '@prunekit/example-kit';
import { loadModel } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import { closedLoop, modelPolicy, POLICY_CHUNK } from './closed_loop.js';
import { loadRecipe } from './recipe.js';
import { DEFAULT_MAP_PARAMS } from './sim/params.js';
import { rolloutEpisodes } from './splits.js';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if ((await startBackend('wasm')) !== 'wasm') throw new Error("expected the 'wasm' backend");
const r = loadRecipe(join(dir, 'recipe.yaml'));
const maps = Number(arg('maps') ?? 10000);
const chunk = Number(arg('chunk') ?? POLICY_CHUNK);
const file = join(dir, r.output.dir, arg('model') ?? 'baseline', 'model.json');
const model = await loadModel(file);
const load = loadavg()[0];
let t = performance.now();
const episodes = rolloutEpisodes(DEFAULT_MAP_PARAMS, r.seed, 'test', maps);
const generated = (performance.now() - t) / 1000;
const before = tf.memory().numTensors;
t = performance.now();
const rollout = { radius: r.observation.radius, stepLimit: r.closedLoop.stepLimit, agreement: false };
const res = closedLoop(modelPolicy(model, rollout.radius, chunk), episodes, rollout);
const s = (performance.now() - t) / 1000;
if (tf.memory().numTensors !== before) throw new Error('rollout leaked tensors');
model.dispose();
console.log(
  `${maps} maps generated in ${generated.toFixed(2)} s; rolled out (${chunk} rows per pass) in ${s.toFixed(2)} s = ` +
    `${(maps / s).toFixed(0)} maps/s; ${(100 * res.collisionRate).toFixed(2)}% collisions; load ${load.toFixed(2)} at start`,
);
