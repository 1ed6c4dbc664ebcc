/**
 * `pnpm --filter @prunekit/example-perception-traffic-signs compress`: the compression stages on
 * the committed baseline (trained first if missing) — dense, 90% pruned + fine-tuned, int8,
 * tfjs uint8, 16 clusters, DEFLATE — each measured from its file. Writes results-compress.json
 * (core's ResultDoc, stage rows + goals compressed_size_ratio and acc_drop_points_compressed) and
 * results-compress.md beside this package. Options: --recipe <file>, --out <dir>, --results <dir>.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goalMet, type ResultDoc } from '@prunekit/core';
import { startBackend } from '@prunekit/example-kit';
import { recipeBaseline } from './baseline.js';
import { resultEnv, withRunContext } from './pipeline.js';
import { runCompression } from './runs/compress.js';
import { arg, recipeAndOut, timedLog, writeAtomic } from './script.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
async function main(): Promise<void> {
  const { log, seconds } = timedLog();
  const { recipeFile, recipe, outDir } = recipeAndOut(exampleDir);
  const backend = await startBackend('wasm');
  log(`backend: ${backend}; recipe: ${recipeFile}`);
  await withRunContext(
    {
      recipe,
      outDir,
      log,
      baseline: recipeBaseline(recipeFile, recipe, log),
    },
    async (ctx) => {
      const report = await runCompression(ctx);
      const doc: ResultDoc = {
        name: `${recipe.name}-compress`,
        env: resultEnv(ctx, { seconds: seconds() }),
        rows: report.stages as unknown as Record<string, unknown>[],
        goals: report.goals,
      };
      const resultsDir = resolve(arg('results') ?? exampleDir);
      await writeAtomic(join(resultsDir, 'results-compress.json'), `${JSON.stringify(doc, null, 2)}\n`);
      const md = [
        `# Results: ${doc.name}`,
        '',
        `Environment: Node ${doc.env.node}, ${doc.env.cpu} × ${doc.env.cores}, backend '${doc.env.backend}'; ` +
          `baseline test accuracy ${(100 * ctx.baselineEval.accuracy).toFixed(2)}% on ${ctx.test.data.count} images. ` +
          'Produced by `pnpm --filter @prunekit/example-perception-traffic-signs compress`.',
        '',
        `## ${report.section.title}`,
        '',
        report.section.body,
        '',
      ].join('\n');
      await writeAtomic(join(resultsDir, 'results-compress.md'), md);
      process.stdout.write(`${JSON.stringify(doc.goals)}\n`);
      for (const g of doc.goals)
        log(`goal ${g.name}: ${g.value.toFixed(3)} ${g.op} ${g.target} → ${goalMet(g) ? 'met' : 'MISSED'}`);
      log(
        `done in ${seconds().toFixed(1)} s; wrote ${join(resultsDir, 'results-compress.json')} and results-compress.md`,
      );
    },
  );
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
