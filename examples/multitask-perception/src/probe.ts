/**
 * `pnpm probe`: one structured fine-tuning setting measured on the VALIDATION scenes only (never the
 * test scenes), so recipe choices (scope, epochs, learning rate, scenes) are made without looking at
 * the reported figures. Options: --target <x> (MACs reduction, default 2), --ignore <a,b|none>,
 * --epochs <n>, --lr <x>, --scenes <n> (fine-tuning scenes), --lane-weight <x> (defaults: the
 * recipe's fine-tuning), --recipe <file>.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, startBackend, timedLog } from '@prunekit/example-kit';
import { loadLayersModel } from '@prunekit/recipe/node';
import { disposeSplit, makeSplit, splitSeeds } from './data.js';
import { evaluate } from './evaluate.js';
import { loadRecipe } from './recipe.js';
import { pruneToMacs } from './structured.js';
import { trainMultitask } from './train.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

async function main(): Promise<void> {
  const { log } = timedLog();
  const recipeFile = resolve(
    arg('recipe') ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'recipe.yaml'),
  );
  const r = loadRecipe(recipeFile);
  const ignoreArg = arg('ignore');
  const ignore =
    ignoreArg === undefined ? r.structured.ignore : ignoreArg === 'none' ? [] : ignoreArg.split(',');
  const target = Number(arg('target') ?? 2);
  const stage = {
    epochs: Number(arg('epochs') ?? r.finetune.structured.epochs),
    lr: Number(arg('lr') ?? r.finetune.structured.lr),
  };
  const scenes = Number(arg('scenes') ?? r.data.finetune);
  const loss = {
    ...r.loss,
    laneWeight: Number(arg('lane-weight') ?? r.finetune.laneWeight ?? r.loss.laneWeight),
  };
  log(
    `backend: ${await startBackend('wasm')}; target ${target}x, ignore [${ignore.join(', ')}], ${stage.epochs} epochs at ${stage.lr}, ${scenes} scenes, lane weight ${loss.laneWeight}`,
  );
  const baseline = await loadLayersModel(join(dirname(recipeFile), r.baseline.dir, 'model.json'));
  const seeds = splitSeeds(r.seed);
  const ft = makeSplit('finetune', scenes, seeds.finetune);
  const val = makeSplit('val', r.data.val, seeds.val);
  const base = evaluate(baseline, val);
  log(`baseline val: sign ${pct(base.signAccuracy)}, lane mIoU ${pct(base.laneMIoU)}`);
  const s = await pruneToMacs(baseline, { target, roundTo: r.structured.roundTo, ignore, seed: r.seed });
  const pruned = evaluate(s.result.model, val);
  log(
    `pruned: ratio ${s.ratio}, ${s.reduction.toFixed(2)}x; val sign ${pct(pruned.signAccuracy)}, lane mIoU ${pct(pruned.laneMIoU)}`,
  );
  const res = await trainMultitask(
    s.result.model,
    ft,
    val,
    { ...stage, batchSize: r.finetune.batchSize, loss },
    { seed: r.seed, log, label: 'probe' },
  );
  const best = res.history[res.bestEpoch];
  if (best) {
    const signDrop = 100 * (base.signAccuracy - best.val.signAccuracy); // > 0: worse than the baseline
    const laneRel = (base.laneMIoU - best.val.laneMIoU) / base.laneMIoU;
    log(
      `best epoch ${res.bestEpoch + 1}: val sign drop ${signDrop.toFixed(2)} pts, lane mIoU drop ${(100 * laneRel).toFixed(2)}% rel (goals: ≤ 0.5, ≤ 1)`,
    );
  }
  s.result.model.dispose();
  baseline.dispose();
  disposeSplit(ft);
  disposeSplit(val);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
