/**
 * `pnpm start` (root: `pnpm demo`): load the committed baseline (train one if missing), prune it at
 * each level of recipe.yaml, fine-tune, evaluate, save, verify the export; then remove channels
 * (structured run), compare fine-tuning with and without distillation at 90%, and time the 90% model
 * as sparse layers against dense; write results.json + results.md beside this package.
 * Options: --recipe <file>, --out <dir>.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '@prunekit/example-kit';
import { recipeBaseline } from './baseline.js';
import { DEFAULT_RUNS, runPipeline } from './pipeline.js';
import { formatGoals, formatTable, type ResultRow } from './report.js';
import { compressRun } from './runs/compress.js';
import { distillRun } from './runs/distill.js';
import { sparseE2eRun } from './runs/sparse_e2e.js';
import { structuredRun } from './runs/structured.js';
import { arg, recipeAndOut, timedLog, writeAtomic } from './script.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The demo's runs: the default (unstructured) ones, then structured, distillation, sparse execution
 * and compression.
 */
const DEMO_RUNS = [...DEFAULT_RUNS, structuredRun(), distillRun(), sparseE2eRun(), compressRun];

/**
 * The scorer comparison is written by `pnpm bench:scorers` (17 scorers × 5 levels takes longer than
 * the demo may); results.md carries its latest table, labelled as such.
 */
function scorerSection(): string {
  const file = join(exampleDir, 'results-scorers.md');
  if (!existsSync(file)) return '';
  const body = readFileSync(file, 'utf8').replace(/^# .*\n/, '');
  return `\n## Scorer comparison (latest \`pnpm bench:scorers\` run, not re-measured by this demo)\n${body}`;
}

async function main(): Promise<void> {
  const { log } = timedLog();
  const { recipeFile, recipe, outDir } = recipeAndOut(exampleDir);
  const backend = await startBackend('wasm');
  log(`backend: ${backend}; recipe: ${recipeFile}`);
  const result = await runPipeline({
    recipe,
    outDir,
    log,
    runs: DEMO_RUNS,
    baseline: recipeBaseline(recipeFile, recipe, log),
  });
  const resultsDir = arg('results') ? resolve(arg('results')!) : exampleDir;
  await writeAtomic(join(resultsDir, 'results.json'), JSON.stringify(result.doc, null, 2) + '\n');
  await writeAtomic(join(resultsDir, 'results.md'), result.markdown + scorerSection());
  process.stdout.write(
    `\n${formatTable(result.doc.rows as unknown as ResultRow[])}\n\n${formatGoals(result.doc.goals)}\n`,
  );
  log(
    `done in ${result.seconds.toFixed(1)} s; wrote ${join(resultsDir, 'results.json')} and results.md; models in ${outDir}`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
