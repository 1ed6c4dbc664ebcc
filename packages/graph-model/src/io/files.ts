import { artifactsToFiles, DEFAULT_SHARD_BYTES } from '@prunekit/layers';
import type { GraphModelSource } from './source.js';

/** The files of a graph model in the stock layout (model.json + group1-shard*.bin). */
export function graphModelFiles(
  source: GraphModelSource,
  shardBytes = DEFAULT_SHARD_BYTES,
): Map<string, Uint8Array | string> {
  return artifactsToFiles(source.artifacts, shardBytes);
}

/** Total bytes of a graph model's files (model.json + shards). */
export function graphModelBytes(source: GraphModelSource): number {
  const enc = new TextEncoder();
  let n = 0;
  for (const v of graphModelFiles(source).values())
    n += typeof v === 'string' ? enc.encode(v).byteLength : v.byteLength;
  return n;
}
