/**
 * prunekit prune --budget-ms: deadline-aware structured pruning for a frame budget on the chosen
 * backend (measured, not predicted), then the pruned model, results.json and the latency table.
 */
import { join, resolve } from 'node:path';
import { computeMetrics } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { modelFileBytes, saveModel } from '@prunekit/layers/node';
import { channelsOf, deadlineFromPrune, runFromMetrics } from '@prunekit/report';
import { buildReport } from '@prunekit/report/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../backend.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRecipe } from '../recipe/load.js';
import {
  budgetPrune,
  type DeadlineFlags,
  openTable,
  parseDeadlineFlags,
  saveTable,
} from '../run/deadline.js';
import { resolveModelPath } from '../run/setup.js';
import { UsageError } from '../errors.js';
import { checkOutDir, publishOutDir, writeTextFile } from './out_dir.js';
import { loadLayersModel } from '@prunekit/recipe/node';

export interface PruneBudgetFlags extends DeadlineFlags {
  model?: string;
  recipe?: string;
  out?: string;
  backend?: string;
  overwrite?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export async function pruneBudgetCommand(flags: PruneBudgetFlags, io: CliIO): Promise<ExitCode> {
  const loaded = loadRecipe(flags.recipe, () => []);
  const section = loaded.recipe.budget;
  // Flags override the recipe's `budget:` section; its table path resolves against the recipe.
  const o = parseDeadlineFlags({
    budgetMs: flags.budgetMs ?? (section ? String(section.ms) : undefined),
    batch: flags.batch ?? (section ? String(section.batch) : undefined),
    percentile: flags.percentile ?? section?.percentile,
    reps: flags.reps ?? (section ? String(section.reps) : undefined),
    table: flags.table ?? (section?.table ? resolve(loaded.baseDir, section.table) : undefined),
    calibrate: flags.calibrate ?? (section ? String(section.calibrate) : undefined),
  });
  if (o.budgetMs === undefined) {
    throw new UsageError('A budget run needs --budget-ms or a recipe with a budget: { ms } section.', {
      flag: '--budget-ms',
    });
  }
  if (section && (loaded.recipe.structured || loaded.recipe.unstructured)) {
    io.stderr(
      `warning: ${loaded.file ?? 'recipe'}: budget: runs deadline-aware pruning only; its structured/unstructured sections are not run.\n`,
    );
  }
  const backend = flags.backend ?? loaded.recipe.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new UsageError(`--backend must be wasm or cpu, got '${backend}'.`, { flag: '--backend' });
  }
  const modelPath = resolveModelPath(flags.model, loaded);
  const out = resolve(
    flags.out ?? (loaded.recipe.output ? join(loaded.baseDir, loaded.recipe.output.dir) : 'prunekit-out'),
  );
  const overwrite = flags.overwrite ?? false;
  await checkOutDir(out, overwrite, [modelPath]);
  const progress = createProgress(io, flags.quiet);
  await initBackend(backend);
  const model = await loadLayersModel(modelPath);
  try {
    const table = openTable(o.tablePath, o.batch);
    const r = await budgetPrune(
      model,
      table,
      {
        budgetMs: o.budgetMs,
        percentile: o.percentile,
        reps: o.reps,
        calibrate: o.calibrate,
        ignore: section?.ignore,
      },
      progress,
    );
    const doc = {
      model: modelPath,
      backend: table.backend,
      batch: table.batch,
      budget: { ms: o.budgetMs, percentile: o.percentile },
      met: r.met,
      dense: {
        measuredMs: r.dense.measured.medianMs,
        p99Ms: r.dense.measured.p99Ms,
        predictedMs: r.dense.predictedMs,
      },
      pruned: { measuredMs: r.measured.medianMs, p99Ms: r.measured.p99Ms, predictedMs: r.predictedMs },
      widths: r.widths,
      rounds: r.rounds,
      calibration: r.calibration,
      samples: r.samples.map((x) => ({ source: x.source, measuredMs: x.measuredMs })),
      perLayer: r.perLayer,
    };
    const runOf = (name: string, level: number, m: tfl.LayersModel, latency: number) => {
      const g = buildGraph(m);
      return runFromMetrics(name, level, computeMetrics(g), {
        latencyMs: { [table.backend]: latency },
        channels: channelsOf(g),
      });
    };
    const report = buildReport({
      title: `prunekit prune: ${o.budgetMs} ms budget on ${table.backend}`,
      created: new Date().toISOString(),
      env: { backend: table.backend, batch: table.batch, percentile: o.percentile, device: table.device },
      runs: [
        runOf('dense', 0, model, r.dense.measured.medianMs),
        runOf('deadline-aware', 1, r.model, r.measured.medianMs),
      ],
      deadline: deadlineFromPrune(doc),
      notes: [
        `budget ${r.met ? 'met' : 'NOT met'}: ${r.measured.medianMs.toFixed(3)} ms measured (${o.percentile}) after ${r.rounds.length} round(s)`,
      ],
    });
    await publishOutDir(out, overwrite, async (staging) => {
      await saveModel(r.model, join(staging, 'model'), { fresh: true });
      await writeTextFile(staging, 'report.html', report.html);
      await writeTextFile(staging, 'summary.md', report.markdown);
      await writeTextFile(
        staging,
        'results.json',
        `${JSON.stringify({ ...doc, fileBytes: await modelFileBytes(join(staging, 'model')) }, null, 2)}\n`,
      );
    });
    r.model.dispose();
    await saveTable(o.tablePath, table);
    if (flags.json) io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    else {
      io.stdout(
        `budget ${o.budgetMs} ms (${o.percentile}, ${table.backend}, batch ${table.batch}): dense ${doc.dense.measuredMs.toFixed(3)} ms → pruned ${doc.pruned.measuredMs.toFixed(3)} ms measured (${doc.pruned.predictedMs.toFixed(3)} predicted) — ${r.met ? 'met' : 'NOT met'}\n` +
          `widths: ${r.widths.map((w) => `${w.group} ${w.kept}/${w.size}`).join(', ')}\nwrote ${out}: model/, results.json, report.html, summary.md\n`,
      );
    }
    if (!r.met) {
      progress.warn(
        `budget not met: ${doc.pruned.measuredMs.toFixed(3)} ms measured > ${o.budgetMs} ms after ${r.rounds.length} round(s)`,
      );
      return EXIT.guard;
    }
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
