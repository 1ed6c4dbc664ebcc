/**
 * Structured pruning at each of a recipe's structured levels for the formats `prunekit prune`
 * handles structurally only (tfjs graph models, ONNX): the format says how to open, analyse, cut,
 * save and measure its models; the levels, scorer and rows are the same for all of them.
 */
import { type ChannelAnalysis, computeMetrics, type ModelGraph, planChannelRemoval } from '@prunekit/core';
import type { Recipe } from '@prunekit/recipe';
import { UsageError } from '../errors.js';
import { pruneJobs } from './prune.js';
import { makeScorer } from './scorer.js';

/** One model of a structured-only prune: the input first, then one per level. */
export interface GraphPruneRow {
  readonly folder: string;
  readonly ratio: number;
  readonly removedChannels: number;
  readonly prunableChannels: number;
  readonly params: number;
  readonly macs: number;
  readonly fileBytes: number;
}

/** How one model format is pruned by channels (M: the format's model value, G: its graph). */
export interface StructuredFormat<M, G extends ModelGraph & { dispose(): void }> {
  /** Names the format in messages ('graph models', 'ONNX models'). */
  readonly plural: string;
  open(path: string): Promise<{ graph: G; model: M }>;
  analyze(graph: G, ignore: readonly string[] | undefined): ChannelAnalysis;
  remove(analysis: ChannelAnalysis, removal: ReadonlyMap<string, readonly number[]>): M;
  save(model: M, dir: string): Promise<void>;
  graphOf(model: M, label: string): Promise<G>;
  bytes(model: M): number;
}

/** Prunes `path` at every structured level of the recipe; each model saved through `save` in its folder. */
export async function pruneLevels<M, G extends ModelGraph & { dispose(): void }>(
  format: StructuredFormat<M, G>,
  path: string,
  recipe: Recipe,
  baseDir: string,
  save: (folder: string, write: (dir: string) => Promise<void>) => Promise<string>,
): Promise<{ rows: GraphPruneRow[]; frozen: { id: string; reason: string }[] }> {
  if (recipe.unstructured) {
    throw new UsageError(
      `${format.plural} take the structured section only in \`prunekit prune\` for now; mask them with @prunekit/pruners from code.`,
      { field: 'unstructured' },
    );
  }
  const jobs = pruneJobs(recipe);
  const sec = recipe.structured!;
  const scorer = await makeScorer(sec.scorer, baseDir, 'structured.scorer');
  const { graph, model } = await format.open(path);
  try {
    const analysis = format.analyze(graph, sec.ignore);
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
        fileBytes: format.bytes(model),
      },
    ];
    for (const job of jobs) {
      const removal = await planChannelRemoval(analysis, { scorer, ratio: job.level });
      const pruned = format.remove(analysis, removal);
      await save(job.folder, (dir) => format.save(pruned, dir));
      const smaller = await format.graphOf(pruned, job.folder);
      const m = computeMetrics(smaller);
      smaller.dispose();
      rows.push({
        folder: job.folder,
        ratio: job.level,
        removedChannels: [...removal.values()].reduce((a, c) => a + c.length, 0),
        prunableChannels: total,
        params: m.params,
        macs: m.macs,
        fileBytes: format.bytes(pruned),
      });
    }
    return { rows, frozen: analysis.frozen.map((f) => ({ id: f.id, reason: f.reason })) };
  } finally {
    graph.dispose();
  }
}
