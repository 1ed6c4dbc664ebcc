/**
 * `pnpm start` (root: `pnpm demo`): load the committed baseline (train one if missing), prune it at
 * each level of recipe.yaml, fine-tune, evaluate, save, verify the export; then remove channels
 * (structured run), compare fine-tuning with and without distillation at 90%, and time the 90% model
 * as sparse layers against dense; write results.json + results.md beside this package.
 * Options: --recipe <file>, --out <dir>.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from './backend.js';
import { loadOrTrainBaseline } from './baseline.js';
import { DEFAULT_RUNS, runPipeline } from './pipeline.js';
import { loadRecipe } from './recipe.js';
import { formatGoals, formatTable, type ResultRow } from './report.js';
import { compressRun } from './runs/compress.js';
import { distillRun } from './runs/distill.js';
import { sparseE2eRun } from './runs/sparse_e2e.js';
import { structuredRun } from './runs/structured.js';
import { NUM_CLASSES } from './signs.js';

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

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const recipeFile = resolve(arg('recipe') ?? join(exampleDir, 'recipe.yaml'));
  const recipe = loadRecipe(recipeFile);
  // Folders in the recipe are relative to the recipe file.
  const outDir = resolve(arg('out') ?? resolve(dirname(recipeFile), recipe.output.dir));
  mkdirSync(outDir, { recursive: true });
  const backend = await initBackend();
  log(`backend: ${backend}; recipe: ${recipeFile}`);
  const result = await runPipeline({
    recipe,
    outDir,
    log,
    runs: DEMO_RUNS,
    baseline: async (val) =>
      (
        await loadOrTrainBaseline(
          resolve(dirname(recipeFile), recipe.baseline.dir),
          recipe,
          NUM_CLASSES,
          val,
          log,
        )
      ).model,
  });
  const resultsDir = arg('results') ? resolve(arg('results')!) : exampleDir;
  writeAtomic(join(resultsDir, 'results.json'), JSON.stringify(result.doc, null, 2) + '\n');
  writeAtomic(join(resultsDir, 'results.md'), result.markdown + scorerSection());
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
