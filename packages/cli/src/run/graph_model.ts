/**
 * The CLI's path for tfjs graph models (converted TF / TF-Hub): the same commands detect the
 * format from model.json and hand graph models to @prunekit/graph-model. `inspect` and the
 * structured section of `prune` work on them; the rest of the pipeline (data, fine-tuning,
 * reports) is LayersModel-only for now and says so.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { computeMetrics } from '@prunekit/core';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  type GraphModelGraph,
  graphModelBytes,
  planChannelRemoval,
  removeGraphChannels,
  type WeightDtypeMode,
  writeGraphModel,
} from '@prunekit/graph-model';
import { loadGraphModelFile, saveGraphModel } from '@prunekit/graph-model/node';
import type { Recipe } from '@prunekit/recipe';
import { UsageError } from '../errors.js';
import { type Inspection, inspectGraph } from './inspect.js';
import { pruneJobs } from './prune.js';
import { makeScorer } from './scorer.js';

/** Whether a local model path (file or folder) holds a 'graph-model' model.json. */
export function isGraphModelFile(path: string): boolean {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(path)) return false;
  try {
    const abs = resolve(path);
    const file = statSync(abs).isDirectory() ? join(abs, 'model.json') : abs;
    return (JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown }).format === 'graph-model';
  } catch {
    return false; // the layers loader reports missing or malformed files with its own messages
  }
}

async function openGraph(path: string): Promise<GraphModelGraph> {
  return buildGraphModelGraph(await loadGraphModelFile(path));
}

/** The inspect tables of a graph model (ops as layers, groups from the op specs). */
export async function inspectGraphModel(path: string): Promise<Inspection> {
  const graph = await openGraph(path);
  try {
    return inspectGraph(graph, analyzeGraphChannels(graph));
  } finally {
    graph.dispose();
  }
}

export interface GraphPruneRow {
  readonly folder: string;
  readonly ratio: number;
  readonly removedChannels: number;
  readonly prunableChannels: number;
  readonly params: number;
  readonly macs: number;
  readonly fileBytes: number;
}

/**
 * Structured pruning of a graph model at each of the recipe's structured levels (per-group
 * ratio, the recipe's scorer), each pruned model saved as a stock graph model in `folder` under
 * `save`'s staging folder. Returns one row per model, the dense one first.
 */
export async function pruneGraphModel(
  path: string,
  recipe: Recipe,
  baseDir: string,
  save: (folder: string, write: (dir: string) => Promise<void>) => Promise<string>,
): Promise<{ rows: GraphPruneRow[]; frozen: { id: string; reason: string }[] }> {
  if (recipe.unstructured) {
    throw new UsageError(
      'Graph models take the structured section only in `prunekit prune` for now; mask them with @prunekit/pruners from code.',
      { field: 'unstructured' },
    );
  }
  const jobs = pruneJobs(recipe);
  const sec = recipe.structured!;
  const scorer = await makeScorer(sec.scorer, baseDir, 'structured.scorer');
  const graph = await openGraph(path);
  try {
    const analysis = analyzeGraphChannels(graph, { ignore: sec.ignore });
    const total = analysis.groups.reduce((a, g) => a + g.size, 0);
    const dense = computeMetrics(graph);
    const rows: GraphPruneRow[] = [
      {
        folder: '(input)',
        ratio: 0,
        removedChannels: 0,
        prunableChannels: total,
        params: dense.params,
        macs: dense.macs,
        fileBytes: graphModelBytes(graph.source),
      },
    ];
    for (const job of jobs) {
      const removal = await planChannelRemoval(analysis, { scorer, ratio: job.level });
      const pruned = removeGraphChannels(analysis, removal);
      await save(job.folder, (dir) => saveGraphModel(pruned, dir).then(() => undefined));
      const smaller = await buildGraphModelGraph(pruned);
      const m = computeMetrics(smaller);
      smaller.dispose();
      rows.push({
        folder: job.folder,
        ratio: job.level,
        removedChannels: [...removal.values()].reduce((a, c) => a + c.length, 0),
        prunableChannels: total,
        params: m.params,
        macs: m.macs,
        fileBytes: graphModelBytes(pruned),
      });
    }
    return { rows, frozen: analysis.frozen.map((f) => ({ id: f.id, reason: f.reason })) };
  } finally {
    graph.dispose();
  }
}

/** A graph model re-saved with every float weight in one dtype ('keep': as the input stored it). */
export async function convertGraphModel(
  path: string,
  dtype: WeightDtypeMode,
  out: string,
  overwrite = false,
): Promise<{ before: number; after: number; dtype: WeightDtypeMode }> {
  const source = await loadGraphModelFile(path);
  const converted = writeGraphModel(source, [], { dtype });
  await saveGraphModel(converted, out, { overwrite });
  return { before: graphModelBytes(source), after: graphModelBytes(converted), dtype };
}
