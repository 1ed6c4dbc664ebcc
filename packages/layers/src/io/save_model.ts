import { checkRange } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelArtifacts } from '../masks/clone_model.js';
import { artifactsToFiles, DEFAULT_SHARD_BYTES, weightBytes } from './artifacts_files.js';
import { checkTarget, type WriteOptions, writeFilesAtomic } from './atomic_write.js';
import { checkWeightsFinite } from './finite_weights.js';
import type { WeightSpec } from './manifest.js';

export interface SaveOptions extends WriteOptions {
  /** Largest shard in bytes (default 4 MiB, as tfjs). */
  readonly shardBytes?: number;
}

export interface SaveResult {
  /** Absolute path of the folder written. */
  readonly dir: string;
  /** File names written, model.json last. */
  readonly files: readonly string[];
  /** Bytes written in all. */
  readonly bytes: number;
}

/** Writes checked artifacts to `dir` atomically (shared by saveModel and fileSystemIO). */
export async function writeArtifacts(
  dir: string,
  artifacts: tf.io.ModelArtifacts,
  opts: SaveOptions = {},
): Promise<SaveResult> {
  const shardBytes = checkRange(
    'shardBytes',
    opts.shardBytes ?? DEFAULT_SHARD_BYTES,
    1,
    Number.MAX_SAFE_INTEGER,
    {
      integer: true,
    },
  );
  await checkTarget(dir, opts);
  const data = weightBytes(artifacts);
  checkWeightsFinite(
    (artifacts.weightSpecs ?? []) as WeightSpec[],
    data.buffer as ArrayBuffer,
    `the model saved to '${dir}'`,
  );
  const files = artifactsToFiles(artifacts, shardBytes);
  const target = await writeFilesAtomic(dir, files, opts);
  let bytes = 0;
  for (const v of files.values()) bytes += typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength;
  return { dir: target, files: [...files.keys()], bytes };
}

/**
 * Saves a LayersModel as model.json + weight shards in the stock tfjs layout, atomically (temp
 * folder beside the target, renamed into place). Refuses a non-empty target unless
 * `{ overwrite: true }`, never writes over a folder loadModel read from, and refuses NaN/Inf weights.
 */
export async function saveModel(
  model: tfl.LayersModel,
  dir: string,
  opts: SaveOptions = {},
): Promise<SaveResult> {
  await checkTarget(dir, opts);
  return writeArtifacts(dir, await modelArtifacts(model), opts);
}
