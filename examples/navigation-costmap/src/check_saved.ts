/**
 * `start`'s sequential test on the models a `start` run saved in out/ (the baseline and `--model`,
 * default structured-40), without pruning and fine-tuning again: recipe.yaml's test maps, batch and
 * cap, the same checkOnTest. Prints the verdict and writes out/check_saved.json. Run from this
 * folder: nice -n 10 npx tsx --conditions=source src/check_saved.ts [--model structured-40]
 */
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, startBackend, timedLog, writeAtomic } from '@prunekit/example-kit';
import { loadModel } from '@prunekit/layers/node';
import { loadRecipe } from './recipe.js';
import { checkOnTest } from './safety.js';
import { DEFAULT_MAP_PARAMS } from './sim/params.js';
import { rolloutEpisodes } from './splits.js';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { log } = timedLog();
if ((await startBackend('wasm')) !== 'wasm') throw new Error("expected the 'wasm' backend");
const r = loadRecipe(join(dir, 'recipe.yaml'));
const name = arg('model') ?? 'structured-40';
const out = join(dir, r.output.dir);
const load = loadavg()[0];
const t0 = performance.now();
const baseline = await loadModel(join(out, 'baseline', 'model.json'));
const model = await loadModel(join(out, name, 'model.json'));
const rollout = { radius: r.observation.radius, stepLimit: r.closedLoop.stepLimit };
const maps = rolloutEpisodes(DEFAULT_MAP_PARAMS, r.seed, 'test', r.closedLoop.episodes);
log(`${maps.length} test maps (the cap); ${r.closedLoop.batch} per look`);
const res = await checkOnTest(model, baseline, maps, rollout, r);
const c = res.verdict.events[0];
log(res.verdict.message);
log(
  `fixed-sample ${100 * r.safety.confidence}% on the same maps: ${c.nominal.lower.toFixed(3)}–${c.nominal.upper.toFixed(3)}; ` +
    `exact Poisson ${c.poisson.lower.toFixed(3)}–${c.poisson.upper.toFixed(3)}`,
);
const row = (e: typeof res.model) => ({
  maps: e.episodes,
  successRate: e.successRate,
  collisionRate: e.collisionRate,
  timeoutRate: e.timeoutRate,
  lengthRatio: e.lengthRatio,
  closedLoopAgreement: e.agreement,
});
const seconds = (performance.now() - t0) / 1000;
await writeAtomic(
  join(out, 'check_saved.json'),
  `${JSON.stringify({ model: name, seconds, loadAverage1m: load, verdict: { ...res.verdict, divergent: undefined }, baseline: row(res.dense), [name]: row(res.model) }, null, 2)}\n`,
);
log(`${seconds.toFixed(0)} s (1-minute load ${load.toFixed(1)} at start)`);
model.dispose();
baseline.dispose();
