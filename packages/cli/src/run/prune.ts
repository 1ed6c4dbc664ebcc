/**
 * The prune pipeline: dense measurements, then for each method and level a pruned copy
 * (scorer → pruner → fine-tune → export), each measured the same way. File writing is the
 * caller's (`save`), so tests can run it without touching disk.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Goal, ResultDoc } from '@prunekit/core';
import { modelFromArtifacts, readModel } from '@prunekit/layers/node';
import { modelFileBytes } from '@prunekit/layers/node';
import { sensitivityAnalysis } from '@prunekit/pruners';
import { type PruneMethod, pruneStage, latencyPerBackend } from '@prunekit/recipe';
import { describeExport, type ExportPlan, exportedModel, exportPlan, inputQuantization } from './export.js';
import type { ReportData, ReportRun, ReportSensitivity } from '@prunekit/report';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { recipeModuleImporter } from '../data/module.js';
import { recipeGraph, recipeIgnore } from './recipe_graph.js';
import { UsageError } from '../errors.js';
import type { Progress } from '../progress.js';
import type { Recipe } from '../recipe/schema.js';
import { accuracy } from './evaluate.js';
import { checkpointFor, tuneModel } from './finetune.js';
import { measureVariant } from './measure.js';
import { asUsage, makeScorer, scorerContext } from './scorer.js';
import type { Session } from './setup.js';

/** One output model a run prunes: a method at one level (sparsity in 0..1). */
export interface PruneJob {
  readonly method: PruneMethod;
  readonly level: number;
  /** Folder name of the output model, e.g. 'unstructured-50'. */
  readonly folder: string;
}

/** The jobs a recipe asks for: every nonzero level of each method section, in order. */
export function pruneJobs(recipe: Recipe): PruneJob[] {
  const jobs: PruneJob[] = [];
  for (const method of ['unstructured', 'structured'] as const) {
    const sec = recipe[method];
    if (!sec) continue;
    if (sec.levels && sec.ratio !== undefined) {
      throw new UsageError(
        `${method} has both levels and ratio; keep one (levels: [${sec.levels.join(', ')}] or ratio: ${sec.ratio}).`,
        { field: `${method}.ratio` },
      );
    }
    const levels = sec.levels ?? (sec.ratio !== undefined ? [sec.ratio] : []);
    if (levels.length === 0) {
      // N:M fixes the sparsity itself (1 − N/M): its one level is that.
      const g = method === 'unstructured' ? recipe.unstructured?.granularity : undefined;
      if (g?.kind === 'nm') levels.push(1 - g.n / g.m);
      else
        throw new UsageError(
          `${method} needs levels (a list of numbers in [0, 1)) or ratio; set one in the recipe or pass --ratio.`,
          { field: `${method}.levels` },
        );
    }
    for (const level of levels) {
      if (level === 0) continue; // the dense model is always measured
      const folder = `${method}-${Math.round(level * 1000) / 10}`;
      const twin = jobs.find((j) => j.folder === folder);
      if (twin) {
        throw new UsageError(
          `${method}.levels: ${level} and ${twin.level} both give the output folder '${folder}'; remove one or make them differ by at least 0.001.`,
          { field: `${method}.levels` },
        );
      }
      jobs.push({ method, level, folder });
    }
  }
  if (jobs.length === 0) {
    throw new UsageError(
      'Nothing to prune: the recipe has no unstructured or structured section with a nonzero level (or pass --ratio).',
      { field: 'unstructured' },
    );
  }
  return jobs;
}

export interface SavedModel {
  readonly fileBytes: number;
  /** Relative to --out. */
  readonly path: string;
  /** Where it was written (absolute); the model is measured as read back from there. */
  readonly dir: string;
}

/** What runPrune returns: the result document, the report data, and whether a guard failed. */
export interface PruneOutcome {
  readonly doc: ResultDoc;
  readonly report: ReportData;
  readonly guardFailed: boolean;
}

const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${(100 * x).toFixed(2)}%`);

/**
 * Runs every prune job of the recipe on the session's model, saves each pruned model with `save` and
 * measures it.
 */
export async function runPrune(opts: {
  session: Session;
  recipe: Recipe;
  progress: Progress;
  save: (model: tfl.LayersModel, folder: string, plan: ExportPlan) => Promise<SavedModel>;
  /** Fine-tune checkpoints under `dir`, in `<level folder>/round-<n>`; with `resume`, each continues from its own. */
  checkpoint?: { dir: string; resume: boolean };
}): Promise<PruneOutcome> {
  const { session, recipe, progress } = opts;
  const jobs = pruneJobs(recipe);
  // Default: latency on the run's own backend only (a cpu pass of a large model can take seconds).
  const bench = recipe.bench ?? { backends: [session.backend], runs: 15, batch: 1 };
  const inputQuant = await inputQuantization(session.modelPath);
  const ignore = recipeIgnore(recipe);
  const test = session.data?.test;
  progress.log(`dense: measuring${test ? ` (accuracy on ${test.x.shape[0]} test samples)` : ''}`);
  const dense = await measureVariant({
    name: 'dense',
    level: 0,
    model: session.model,
    test,
    bench,
    fileBytes: await modelFileBytes(session.modelPath),
    ignore,
  });
  progress.log(
    `dense: ${dense.metrics.params} params, ${dense.metrics.macs} MACs, accuracy ${pct(dense.run.accuracy)}`,
  );
  const sensitivity = await denseSensitivity(session, recipe, progress);
  const runs: ReportRun[] = [dense.run];
  const rows: Record<string, unknown>[] = [rowOf('dense', 'none', 0, 0, dense.run, dense.run)];
  const goals: Goal[] = [];
  let guardFailed = false;
  const notes: string[] = [];
  for (const [i, job] of jobs.entries()) {
    progress.log(`[${i + 1}/${jobs.length}] ${job.method} ${pct(job.level)}`);
    let epochs = 0;
    let before: number | undefined;
    const ft = recipe.finetune;
    const train = session.data?.finetune;
    const { model, achieved } = await asUsage(() =>
      pruneStage({
        dense: session.model,
        method: job.method,
        section: recipe[job.method]!,
        level: job.level,
        seed: recipe.seed,
        baseDir: session.baseDir,
        importModule: recipeModuleImporter,
        calibration: () => session.calibrationBatches(),
        onRound: (round, rounds, sparsity) =>
          progress.log(`${job.folder}: round ${round + 1}/${rounds} pruned ${(100 * sparsity).toFixed(1)}%`),
        tune: async (m, round, masks, graph) => {
          before = test ? accuracy(m, test) : undefined;
          if (!ft || ft.epochs === 0 || !train || !session.data) return;
          const res = await tuneModel({
            model: m,
            teacher: session.model,
            masks,
            graph,
            train,
            val: session.data.val,
            cfg: ft,
            seed: recipe.seed,
            label: job.folder,
            progress,
            ...checkpointFor(
              opts.checkpoint?.dir,
              opts.checkpoint?.resume,
              join(job.folder, `round-${round + 1}`),
            ),
          });
          if (res.startedAfresh) progress.log(`${job.folder}: ${res.startedAfresh}`);
          else if (res.resumedFrom) progress.log(`${job.folder}: resumed from ${res.resumedFrom}`);
          progress.done();
          epochs += res.history.length;
        },
      }),
    );
    if (achieved === 0) {
      // e.g. structured 0.99 with roundTo 1024: the rounding (or ignore / maxPerLayer) left nothing to remove.
      const why = `${job.folder}: pruned 0% although ${pct(job.level)} was asked; ${job.method === 'structured' ? 'roundTo, maxPerLayer or ignore' : 'ignore or the granularity'} left nothing to remove. Lower roundTo or check the section.`;
      notes.push(why);
      progress.log(`warning: ${why}`);
    }
    let exported: tfl.LayersModel | undefined;
    let reread: tfl.LayersModel | undefined;
    try {
      const plan = exportPlan(recipe, job.method, inputQuant);
      const written = await exportedModel(model, plan, bench.batch);
      exported = written.model;
      const saved = await opts.save(exported ?? model, job.folder, plan);
      // Latency and accuracy of what was written, as read back (quantization included).
      // (Not loadModel: the run's own output is not an input to protect.)
      const read = await readModel(saved.dir);
      reread = await modelFromArtifacts(read.artifacts, read.file);
      const m = await measureVariant({
        name: `${job.method} ${Math.round(job.level * 100)}%`,
        level: job.level,
        model,
        exported: reread,
        test,
        bench,
        fileBytes: saved.fileBytes,
        path: saved.path,
        ignore,
      });
      runs.push(m.run);
      const row = rowOf(job.folder, job.method, job.level, achieved, m.run, dense.run);
      // Dense re-timed right after this level, so both figures of the ratio see the same machine
      // state (the dense figure taken at the start is often cold or under another load).
      const denseNow = bench.backends.length ? await latencyPerBackend(session.model, bench) : undefined;
      const speedup = speedups(denseNow, m.run.latencyMs);
      for (const [backend, x] of Object.entries(speedup)) {
        if (x < 1.05) {
          notes.push(
            `${job.folder}: no speedup on ${backend} (${x.toFixed(2)}x the dense model's latency) as written: ${describeExport(plan)}.`,
          );
        }
      }
      if ((saved.fileBytes ?? 0) > (dense.run.fileBytes ?? Number.POSITIVE_INFINITY)) {
        notes.push(
          `${job.folder}: its files (${saved.fileBytes} bytes) are larger than the input's (${dense.run.fileBytes}).`,
        );
      }
      rows.push({
        ...row,
        export: describeExport(plan),
        ...(written.sparseLayers
          ? {
              sparseLayers: written.sparseLayers.map((t) => ({
                ...t,
                denseMs: Number(t.denseMs.toFixed(4)),
                sparseMs: Number(t.sparseMs.toFixed(4)),
              })),
            }
          : {}),
        speedup,
        denseLatencyMsAdjacent: denseNow ?? {},
        accuracyBeforeFinetune: before ?? null,
        finetuneEpochs: epochs,
      });
      const drop =
        dense.run.accuracy !== undefined && m.run.accuracy !== undefined
          ? dense.run.accuracy - m.run.accuracy
          : undefined;
      if (recipe.guard && drop !== undefined) {
        goals.push({
          name: `accuracy_drop_${job.folder}`,
          value: drop,
          target: recipe.guard.maxAccuracyDrop,
          op: '<=',
        });
        if (drop > recipe.guard.maxAccuracyDrop) guardFailed = true;
      }
      progress.log(
        `${job.folder}: ${(100 * achieved).toFixed(1)}% pruned, ${m.metrics.nonzero} nonzero params, accuracy ${pct(before)} → ${pct(m.run.accuracy)} after ${epochs} fine-tune epochs; saved ${saved.path}`,
      );
    } finally {
      reread?.dispose();
      exported?.dispose();
      model.dispose();
    }
  }
  const env = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    backend: session.backend,
    model: session.modelPath,
    ...(session.data ? { data: session.data.module, testSamples: session.data.test.x.shape[0] } : {}),
    latency: `median of ${bench.runs} forward passes, batch ${bench.batch}`,
  };
  const doc: ResultDoc = { name: recipe.name, env, rows, goals };
  const report: ReportData = {
    title: `prunekit: ${recipe.name}`,
    created: new Date().toISOString(),
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v as string | number])),
    runs,
    ...(sensitivity ? { sensitivity } : {}),
    notes: [
      ...(guardFailed
        ? [`guard failed: accuracy dropped by more than ${recipe.guard?.maxAccuracyDrop} for some model`]
        : []),
      ...notes,
    ],
  };
  return { doc, report, guardFailed };
}

/** The recipe's sensitivity section, run on the dense model when there is validation data. */
async function denseSensitivity(
  session: Session,
  recipe: Recipe,
  progress: Progress,
): Promise<ReportSensitivity | undefined> {
  const cfg = recipe.sensitivity;
  const val = session.data?.val;
  if (!cfg || !val) return undefined;
  const graph = recipeGraph(session.model, recipe);
  const scorer = await makeScorer(
    cfg.scorer ?? recipe.unstructured?.scorer ?? { name: 'magnitude', options: { p: 2 } },
    session.baseDir,
    'sensitivity.scorer',
  );
  const batches = session.calibrationBatches();
  try {
    const context = await scorerContext(graph, scorer, batches);
    let done = 0;
    const res = await sensitivityAnalysis(graph, {
      evaluate: (m) => accuracy(m, val),
      scorer,
      granularity: cfg.granularity,
      ratios: cfg.ratios,
      ...(cfg.layers ? { layers: cfg.layers } : {}),
      context,
      onPoint: (layer, p) =>
        progress.tick(`sensitivity: ${layer} ${Math.round(100 * p.ratio)}%`, ++done, done),
    });
    progress.done();
    return {
      granularity: res.granularity,
      baseline: res.baseline,
      curves: res.curves.map((c) => ({
        layer: c.layer,
        points: c.points.map((p) => ({ ratio: p.ratio, metric: p.metric })),
      })),
    };
  } finally {
    for (const b of batches ?? []) tf.dispose([b.x, b.y ?? []].flat());
  }
}

/** Dense latency over this model's, per backend measured on both. */
function speedups(
  dense: Record<string, number> | undefined,
  mine: Record<string, number> | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [b, ms] of Object.entries(mine ?? {})) {
    const d = dense?.[b];
    if (d !== undefined && ms > 0) out[b] = d / ms;
  }
  return out;
}

function rowOf(
  model: string,
  method: string,
  level: number,
  achieved: number,
  r: ReportRun,
  dense: ReportRun,
): Record<string, unknown> {
  return {
    model,
    method,
    level,
    achievedSparsity: achieved,
    paramsBefore: dense.params,
    paramsAfter: r.params,
    nonzeroBefore: dense.nonzero,
    nonzeroAfter: r.nonzero,
    macsBefore: dense.macs,
    macsAfter: r.macs,
    effectiveMacsBefore: dense.sparseMacs,
    effectiveMacsAfter: r.sparseMacs,
    bytesBefore: dense.bytes,
    bytesAfter: r.bytes,
    fileBytes: r.fileBytes ?? null,
    accuracyBefore: dense.accuracy ?? null,
    accuracyAfter: r.accuracy ?? null,
    latencyMs: r.latencyMs ?? {},
    path: r.path ?? null,
  };
}
