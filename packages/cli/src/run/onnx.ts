/**
 * The CLI's path for ONNX models (.onnx files, e.g. from torch.onnx.export): `inspect` and the
 * structured section of `prune` hand them to @prunekit/onnx; each pruned model is a new .onnx file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeOnnxChannels,
  buildOnnxGraph,
  type OnnxChannelAnalysis,
  type OnnxGraph,
  removeOnnxChannels,
} from '@prunekit/onnx';
import { loadOnnxFile, saveOnnxFile } from '@prunekit/onnx/node';
import type { Recipe } from '@prunekit/recipe';
import { type Inspection, inspectGraph } from './inspect.js';
import { type GraphPruneRow, pruneLevels, type StructuredFormat } from './structured_levels.js';

/** Whether a local path names an ONNX file (by its .onnx extension and a first protobuf field tag). */
export function isOnnxFile(path: string): boolean {
  if (!/\.onnx$/i.test(path)) return false;
  try {
    const head = readFileSync(path).subarray(0, 1);
    // ModelProto starts with a varint or length-delimited field (ir_version = 1, opset_import …).
    return head.length === 1 && (head[0] & 0x07) <= 2;
  } catch {
    return false; // a missing file is reported by the loader with its own message
  }
}

async function openOnnx(path: string): Promise<OnnxGraph> {
  return buildOnnxGraph(await loadOnnxFile(path), { label: path });
}

/** The inspect tables of an ONNX model (node outputs as layers, groups from the onnx op specs). */
export async function inspectOnnxModel(path: string): Promise<Inspection> {
  const graph = await openOnnx(path);
  try {
    return inspectGraph(graph, analyzeOnnxChannels(graph));
  } finally {
    graph.dispose();
  }
}

const onnxFormat: StructuredFormat<Uint8Array, OnnxGraph> = {
  plural: 'ONNX models',
  open: async (path) => {
    const graph = await openOnnx(path);
    return { graph, model: graph.source };
  },
  analyze: (graph, ignore) => analyzeOnnxChannels(graph, { ignore }),
  remove: (analysis, removal) => removeOnnxChannels(analysis as OnnxChannelAnalysis, removal),
  save: (model, dir) => saveOnnxFile(join(dir, 'model.onnx'), model).then(() => undefined),
  graphOf: async (model, folder) => buildOnnxGraph(model, { label: `${folder}/model.onnx` }),
  bytes: (model) => model.length,
};

/**
 * Structured pruning of an ONNX model at each of the recipe's structured levels (per-group ratio,
 * the recipe's scorer); each pruned model is `<folder>/model.onnx` under `save`'s staging folder.
 * Returns one row per model, the dense one first (the same rows as for graph models).
 */
export function pruneOnnxModel(
  path: string,
  recipe: Recipe,
  baseDir: string,
  save: (folder: string, write: (dir: string) => Promise<void>) => Promise<string>,
): Promise<{ rows: GraphPruneRow[]; frozen: { id: string; reason: string }[] }> {
  return pruneLevels(onnxFormat, path, recipe, baseDir, save);
}
