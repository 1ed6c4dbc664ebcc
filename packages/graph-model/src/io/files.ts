import { artifactsToFiles, DEFAULT_SHARD_BYTES } from '@prunekit/layers';
import { readModel, type WriteOptions, writeFilesAtomic } from '@prunekit/layers/node';
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

/** The files of a graph model in the stock layout (model.json + group1-shard*.bin). */
export function graphModelFiles(
  source: GraphModelSource,
  shardBytes = DEFAULT_SHARD_BYTES,
): Map<string, Uint8Array | string> {
  return artifactsToFiles(source.artifacts, shardBytes);
}

/** Total bytes of a graph model's files (model.json + shards). */
export function graphModelBytes(source: GraphModelSource): number {
  let n = 0;
  for (const v of graphModelFiles(source).values())
    n += typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength;
  return n;
}

/** Writes a graph model into a new folder atomically (temp folder + rename); an input folder is never overwritten. */
export async function saveGraphModel(
  source: GraphModelSource,
  dir: string,
  opts: WriteOptions = {},
): Promise<string> {
  return writeFilesAtomic(dir, graphModelFiles(source), opts);
}
