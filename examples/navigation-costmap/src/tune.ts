/**
 * `pnpm tune`: choose the fine-tuning settings on VALIDATION maps only. Prunes the baseline's
 * channels at the recipe's structured ratio (plain plan, no guard: the guard kept every group in
 * the committed run), fine-tunes a copy per variant with DAgger and rolls each out on validation
 * maps, paired against the baseline on the same maps. The test maps are never touched.
 * Options: --variants a,b,… (names below), --episodes <n> validation maps (default 1000),
 * --ratio <r> channel ratio (default 0.4).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, startBackend, timedLog } from '@prunekit/example-kit';
import { buildGraph, cloneModel } from '@prunekit/layers';
import { loadModel } from '@prunekit/layers/node';
import { channelPruner } from '@prunekit/pruners';
import { closedLoop, modelPolicy } from './closed_loop.js';
import { daggerFineTune } from './dagger.js';
import { disposeSplit, toSplit } from './data.js';
import { pairedSuccess } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { DEFAULT_MAP_PARAMS } from './sim/params.js';
import { demonstrations, rolloutEpisodes } from './splits.js';
import { channelSettings } from './structured.js';

interface Variant {
  readonly rounds: number;
  readonly epochs: number;
  readonly lr: number;
  /** Fine-tuning maps per DAgger round (and demonstration maps). */
  readonly maps?: number;
  readonly alpha?: number;
}

const VARIANTS: Record<string, Variant> = {
  r2e3: { rounds: 2, epochs: 3, lr: 1e-3 },
  r3e3: { rounds: 3, epochs: 3, lr: 1e-3 },
  r2e5: { rounds: 2, epochs: 5, lr: 1e-3 },
  r2e3lr2: { rounds: 2, epochs: 3, lr: 2e-3 },
  r4e2: { rounds: 4, epochs: 2, lr: 1e-3 },
  r3e3lr2: { rounds: 3, epochs: 3, lr: 2e-3 },
  r3e4lr2: { rounds: 3, epochs: 4, lr: 2e-3 },
  r2e3a2: { rounds: 2, epochs: 3, lr: 1e-3, alpha: 0.2 },
  r2e3a0: { rounds: 2, epochs: 3, lr: 1e-3, alpha: 0 },
  r3e3a2: { rounds: 3, epochs: 3, lr: 1e-3, alpha: 0.2 },
  r2e3lr2a2: { rounds: 2, epochs: 3, lr: 2e-3, alpha: 0.2 },
  r2e3lr2a0: { rounds: 2, epochs: 3, lr: 2e-3, alpha: 0 },
  r3e3lr2a2: { rounds: 3, epochs: 3, lr: 2e-3, alpha: 0.2 },
  r2e3lr4: { rounds: 2, epochs: 3, lr: 4e-3 },
  r2e3m1k: { rounds: 2, epochs: 3, lr: 1e-3, maps: 1000 },
};

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { log } = timedLog();
  const r = loadRecipe(join(exampleDir, 'recipe.yaml'));
  if ((await startBackend('wasm')) !== 'wasm') throw new Error("expected the 'wasm' backend");
  const p = DEFAULT_MAP_PARAMS;
  const radius = r.observation.radius;
  const rollout = { radius, stepLimit: r.closedLoop.stepLimit, agreement: false };
  const names = (arg('variants') ?? 'r2e3').split(',');
  const valMaps = rolloutEpisodes(p, r.seed, 'val', Number(arg('episodes') ?? 1000));
  const baseline = await loadModel(join(exampleDir, r.baseline.dir, 'model.json'));
  const base = closedLoop(modelPolicy(baseline, radius), valMaps, rollout);
  log(`baseline: validation success ${(100 * base.successRate).toFixed(2)}% on ${valMaps.length} maps`);
  const ratio = Number(arg('ratio') ?? 0.4);
  const pruned = await channelPruner(buildGraph(baseline), channelSettings(r, ratio)).run();
  const val = toSplit(demonstrations(p, r.seed, 'val', r.data.val, radius, r.data.offPath));
  for (const name of names) {
    const v = VARIANTS[name];
    if (!v) throw new Error(`unknown variant '${name}'; known: ${Object.keys(VARIANTS).join(', ')}`);
    const maps = v.maps ?? r.data.finetune;
    const demos = demonstrations(p, r.seed, 'finetune', maps, radius, r.data.offPath);
    const m = await cloneModel(pruned.model);
    const t = performance.now();
    const res = await daggerFineTune(m, {
      demos,
      maps: rolloutEpisodes(p, r.seed, 'finetune', maps * v.rounds),
      rounds: v.rounds,
      rollout,
      val,
      fit: { ...r.finetune, epochs: v.epochs, lr: v.lr, alpha: v.alpha, teacher: baseline, seed: r.seed },
    });
    const loop = closedLoop(modelPolicy(m, radius), valMaps, rollout);
    const pair = pairedSuccess(base.reached, loop.reached);
    log(
      `${name}: validation success ${(100 * loop.successRate).toFixed(2)}% (collisions ${(100 * loop.collisionRate).toFixed(2)}%), ` +
        `lost ${pair.lost} / won ${pair.won}, ${res.epochs} epochs, ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    m.dispose();
  }
  disposeSplit(val);
  pruned.model.dispose();
  baseline.dispose();
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
