import { readModel, type WriteOptions, writeFilesAtomic } from '@prunekit/layers/node';
import { graphModelFiles } from './files.js';
import { type GraphModelSource, graphModelSource } from './source.js';

/**
 * Reads a graph-model model.json and its shards with the same checks as @prunekit/layers'
 * loadModel (paths confined to the folder, shard sizes, finite floats) and decodes its weights.
 */
export async function loadGraphModelFile(path: string): Promise<GraphModelSource> {
  const read = await readModel(path, { format: 'graph-model' });
  const data = read.artifacts.weightData as ArrayBuffer;
  return graphModelSource(read.json, data, read.file);
}

/** Writes a graph model into a new folder atomically (temp folder + rename); an input folder is never overwritten. */
export async function saveGraphModel(
  source: GraphModelSource,
  dir: string,
  opts: WriteOptions = {},
): Promise<string> {
  return writeFilesAtomic(dir, graphModelFiles(source), opts);
}
