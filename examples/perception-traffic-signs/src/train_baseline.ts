/**
 * `pnpm --filter @prunekit/example-perception-traffic-signs train`: trains the baseline CNN from
 * recipe.yaml's `baseline` section on the 'wasm' backend, reports test accuracy, and saves it with
 * saveModel to model/ (overwriting), plus model/training.json (history and test figures).
 * Options: --recipe <file>, --out <dir>.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel, writeFileAtomic } from '@prunekit/layers/node';
import { startBackend } from '@prunekit/example-kit';
import { trainFromRecipe } from './baseline.js';
import { disposeSplit, makeSplit, splitSeeds } from './data.js';
import { evaluate } from './evaluate.js';
import { loadRecipe } from './recipe.js';
import { CLASS_NAMES, NUM_CLASSES } from './signs.js';
import { modelStats } from './stats.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

async function main(): Promise<void> {
  const t0 = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  const outDir = resolve(arg('out') ?? resolve(dirname(recipeFile), recipe.baseline.dir));
  const backend = await startBackend('wasm');
  const b = recipe.baseline;
  log(
    `backend ${backend}; training ${b.epochs} epochs × ${b.trainSize} fresh images, batch ${b.batchSize}, lr ${b.lr}`,
  );
  const seeds = splitSeeds(recipe.seed);
  const val = makeSplit('val', recipe.data.val, seeds.val);
  const test = makeSplit('test', recipe.data.test, seeds.test);
  try {
    const { model, history, bestEpoch } = await trainFromRecipe(recipe, NUM_CLASSES, val, log);
    try {
      const ev = evaluate(model, test);
      const stats = modelStats(model);
      log(
        `best epoch ${bestEpoch}; test accuracy ${(100 * ev.accuracy).toFixed(2)}% on ${test.data.count} images`,
      );
      CLASS_NAMES.forEach((c, i) => {
        log(`  recall ${c.padEnd(22)} ${(100 * ev.recall[i]).toFixed(1)}%`);
      });
      const saved = await saveModel(model, outDir, { overwrite: true });
      const info = {
        backend,
        seed: recipe.seed,
        bestEpoch,
        testAccuracy: ev.accuracy,
        testImages: test.data.count,
        recall: Object.fromEntries(CLASS_NAMES.map((c, i) => [c, ev.recall[i]])),
        params: stats.params,
        macs: stats.macs,
        fileBytes: saved.bytes,
        seconds: (performance.now() - t0) / 1000,
        history,
      };
      const file = join(outDir, 'training.json');
      await writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`);
      log(`saved ${saved.files.join(', ')} (${saved.bytes} bytes) and training.json to ${outDir}`);
    } finally {
      model.dispose();
    }
  } finally {
    disposeSplit(val);
    disposeSplit(test);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
