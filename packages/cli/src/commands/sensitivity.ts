import * as tf from '@tensorflow/tfjs-core';
/** prunekit sensitivity: each layer pruned alone at each ratio, accuracy on the validation split. */
import { join, resolve } from 'node:path';
import { sensitivityAnalysis } from '@prunekit/pruners';
import type { ReportData } from '@prunekit/report';
import { buildReport } from '@prunekit/report/node';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import { list, num } from '../flags.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRecipe } from '../recipe/load.js';
import { accuracy } from '../run/evaluate.js';
import { measureVariant } from '../run/measure.js';
import { makeScorer, scorerContext } from '../run/scorer.js';
import { queuedSensitivity } from '../run/queue.js';
import { recipeGraph } from '../run/recipe_graph.js';
import { openSession, resolveModelPath } from '../run/setup.js';
import { formatTable } from '../table.js';
import { checkOutDir, publishOutDir, writeTextFile } from './out_dir.js';

export async function sensitivityCommand(
  flags: {
    model?: string;
    recipe?: string;
    ratios?: string;
    granularity?: string;
    layers?: string;
    data?: string;
    out?: string;
    overwrite?: boolean;
    json?: boolean;
    quiet?: boolean;
    queue?: string;
  },
  io: CliIO,
): Promise<ExitCode> {
  const loaded = loadRecipe(flags.recipe, (raw) => [
    ...(raw.sensitivity === undefined ? [{ flag: '--ratios', path: ['sensitivity'], value: {} }] : []),
    ...(flags.ratios
      ? [{ flag: '--ratios', path: ['sensitivity', 'ratios'], value: list(flags.ratios).map(num) }]
      : []),
    ...(flags.granularity
      ? [{ flag: '--granularity', path: ['sensitivity', 'granularity'], value: flags.granularity }]
      : []),
    ...(flags.layers
      ? [{ flag: '--layers', path: ['sensitivity', 'layers'], value: list(flags.layers) }]
      : []),
  ]);
  const cfg = loaded.recipe.sensitivity!;
  const out = flags.out ? resolve(flags.out) : undefined;
  if (out) await checkOutDir(out, flags.overwrite ?? false, [resolveModelPath(flags.model, loaded)]);
  const progress = createProgress(io, flags.quiet);
  const session = await openSession({
    loaded,
    modelFlag: flags.model,
    dataFlag: flags.data,
    wantData: 'eval',
    progress,
  });
  const batches = session.calibrationBatches();
  try {
    const val = session.data?.val;
    if (!val)
      throw new UsageError(
        'sensitivity needs evaluation data: set data.generator in the recipe or pass --data <module>.',
        { field: 'data' },
      );
    const graph = recipeGraph(session.model, loaded.recipe);
    const scorerSpec = cfg.scorer ??
      loaded.recipe.unstructured?.scorer ?? { name: 'magnitude', options: { p: 2 } };
    const scorer = await makeScorer(scorerSpec, loaded.baseDir, 'sensitivity.scorer');
    const context = await scorerContext(graph, scorer, batches);
    const layers = cfg.layers;
    let done = 0;
    const analyze = flags.queue
      ? queuedSensitivity({ queue: flags.queue, session, scorer: scorerSpec, progress })
      : sensitivityAnalysis;
    const res = await analyze(graph, {
      evaluate: (m) => accuracy(m, val),
      scorer,
      granularity: cfg.granularity,
      ratios: cfg.ratios,
      ...(layers ? { layers } : {}),
      context,
      onPoint: (layer, p) => {
        done++;
        progress.tick(
          `sensitivity ${layer} ${Math.round(p.ratio * 100)}% → ${(100 * p.metric).toFixed(2)}%`,
          done,
          done + 1,
        );
      },
    });
    progress.done();
    const table = formatTable([
      ['layer', ...res.curves[0].points.map((p) => `${Math.round(p.ratio * 100)}%`)],
      ['(none)', ...res.curves[0].points.map(() => Number(res.baseline.toFixed(4)))],
      ...res.curves.map((c) => [c.layer, ...c.points.map((p) => Number(p.metric.toFixed(4)))]),
    ]);
    if (out) {
      const dense = await measureVariant({
        name: 'dense',
        level: 0,
        model: session.model,
        test: session.data?.test,
      });
      const data: ReportData = {
        title: `prunekit sensitivity: ${loaded.recipe.name}`,
        created: new Date().toISOString(),
        env: { backend: session.backend, model: session.modelPath },
        runs: [dense.run],
        sensitivity: {
          granularity: res.granularity,
          baseline: res.baseline,
          curves: res.curves.map((c) => ({
            layer: c.layer,
            points: c.points.map((p) => ({ ratio: p.ratio, metric: p.metric })),
          })),
        },
      };
      const { html, markdown } = buildReport(data);
      await publishOutDir(out, flags.overwrite ?? false, async (staging) => {
        await writeTextFile(staging, 'report.html', html);
        await writeTextFile(staging, 'summary.md', markdown);
        await writeTextFile(staging, 'sensitivity.json', `${JSON.stringify(res, null, 2)}\n`);
      });
      progress.log(`wrote ${join(out, 'report.html')}`);
    }
    io.stdout(
      flags.json
        ? `${JSON.stringify(res, null, 2)}\n`
        : `validation accuracy with one layer pruned (${res.granularity}):\n${table}\n`,
    );
    return EXIT.ok;
  } finally {
    for (const b of batches ?? []) tf.dispose([b.x, b.y ?? []].flat());
    session.dispose();
  }
}
