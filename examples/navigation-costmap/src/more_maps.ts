/**
 * More exposure for the collision-rate ratio than `start` affords: drives the models `start` saved
 * in out/ (the baseline and `--model`, default structured-40) on `--maps` fresh test maps (their
 * own seed stream, none shared with `start`'s) and prints the paired comparison. Run from this
 * folder: npx tsx --conditions=source src/more_maps.ts --maps 40000
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@prunekit/core';
import { arg, startBackend, timedLog } from '@prunekit/example-kit';
import { loadModel } from '@prunekit/layers/node';
import type { ScenarioOutcome } from '@prunekit/pruners';
import { closedLoop, modelPolicy } from './closed_loop.js';
import { loadRecipe } from './recipe.js';
import { compareWithBaseline } from './safety.js';
import { generateEpisodes } from './sim/maps.js';
import { DEFAULT_MAP_PARAMS } from './sim/params.js';
import { splitSeed } from './splits.js';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { log } = timedLog();
if ((await startBackend('wasm')) !== 'wasm') throw new Error("expected the 'wasm' backend");
const r = loadRecipe(join(dir, 'recipe.yaml'));
const maps = Number(arg('maps') ?? 40000);
const name = arg('model') ?? 'structured-40';
const out = join(dir, r.output.dir);
const episodes = generateEpisodes(DEFAULT_MAP_PARAMS, createRng(splitSeed(r.seed, 'test') + 7), maps);
log(`${maps} fresh test maps generated`);
const rollout = { radius: r.observation.radius, stepLimit: r.closedLoop.stepLimit, agreement: false };
const drive = async (m: string) => {
  const model = await loadModel(join(out, m, 'model.json'));
  try {
    // Batches of 5,000 maps: one forward pass of 40,000 windows per step was far slower than 8 of 5,000.
    const outcomes: ScenarioOutcome[] = [];
    for (let i = 0; i < episodes.length; i += 5000) {
      outcomes.push(
        ...closedLoop(modelPolicy(model, rollout.radius), episodes.slice(i, i + 5000), rollout).outcomes,
      );
    }
    const collisions = outcomes.reduce((a, o) => a + (o.events.collision ?? 0), 0);
    log(`${m}: ${collisions} collisions in ${outcomes.length} maps`);
    return { outcomes };
  } finally {
    model.dispose();
  }
};
const base = await drive('baseline');
const other = await drive(name);
const v = compareWithBaseline(other, base, r);
const c = v.events[0];
log(v.message);
log(`exact Poisson 95%: ${c.poisson.lower.toFixed(3)}–${c.poisson.upper.toFixed(3)}`);
