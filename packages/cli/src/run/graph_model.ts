/**
 * The CLI's path for tfjs graph models (converted TF / TF-Hub): the same commands detect the
 * format with the recipe's load stage and hand graph models to @prunekit/graph-model. `inspect` and the
 * structured section of `prune` work on them; the rest of the pipeline (data, fine-tuning,
 * reports) is LayersModel-only for now and says so.
 */
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  type GraphChannelAnalysis,
  type GraphModelGraph,
  type GraphModelSource,
  graphModelBytes,
  removeGraphChannels,
  type WeightDtypeMode,
  writeGraphModel,
} from '@prunekit/graph-model';
import { graphModelLoader, saveGraphModel } from '@prunekit/graph-model/node';
import type { Recipe } from '@prunekit/recipe';
import { modelFormatOf } from '@prunekit/recipe/node';
import { type Inspection, inspectGraph } from './inspect.js';
import { type GraphPruneRow, pruneLevels, type StructuredFormat } from './structured_levels.js';

/** Whether a local model path (file or folder) holds a 'graph-model' model.json (the load stage's detection). */
export const isGraphModelFile = (path: string): boolean => modelFormatOf(path) === 'graph-model';

async function openGraph(path: string): Promise<GraphModelGraph> {
  return buildGraphModelGraph(await graphModelLoader.fromFile(path));
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

export type { GraphPruneRow } from './structured_levels.js';

const graphModelFormat: StructuredFormat<GraphModelSource, GraphModelGraph> = {
  plural: 'Graph models',
  open: async (path) => {
    const graph = await openGraph(path);
    return { graph, model: graph.source };
  },
  analyze: (graph, ignore) => analyzeGraphChannels(graph, { ignore }),
  remove: (analysis, removal) => removeGraphChannels(analysis as GraphChannelAnalysis, removal),
  save: (model, dir) => saveGraphModel(model, dir).then(() => undefined),
  graphOf: (model) => buildGraphModelGraph(model),
  bytes: graphModelBytes,
};

/**
 * Structured pruning of a graph model at each of the recipe's structured levels (per-group
 * ratio, the recipe's scorer), each pruned model saved as a stock graph model in `folder` under
 * `save`'s staging folder. Returns one row per model, the dense one first.
 */
export function pruneGraphModel(
  path: string,
  recipe: Recipe,
  baseDir: string,
  save: (folder: string, write: (dir: string) => Promise<void>) => Promise<string>,
): Promise<{ rows: GraphPruneRow[]; frozen: { id: string; reason: string }[] }> {
  return pruneLevels(graphModelFormat, path, recipe, baseDir, save);
}

/** A graph model re-saved with every float weight in one dtype ('keep': as the input stored it). */
export async function convertGraphModel(
  source: GraphModelSource,
  dtype: WeightDtypeMode,
  out: string,
  overwrite = false,
): Promise<{ before: number; after: number; dtype: WeightDtypeMode }> {
  const converted = writeGraphModel(source, [], { dtype });
  await saveGraphModel(converted, out, { overwrite });
  return { before: graphModelBytes(source), after: graphModelBytes(converted), dtype };
}
