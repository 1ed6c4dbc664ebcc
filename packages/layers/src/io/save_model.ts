import { checkRange, InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelArtifacts } from '../masks/clone_model.js';
import { artifactsToFiles, DEFAULT_SHARD_BYTES, weightBytes } from './artifacts_files.js';
import { checkTarget, type WriteOptions, writeFilesAtomic } from './atomic_write.js';
import { checkWeightsFinite } from './finite_weights.js';
import type { WeightSpec } from './manifest.js';
import { type ModelLocation, resolveLocation } from './model_location.js';

/** Options of saveModel(): overwrite, and the largest shard size. */
export interface SaveOptions extends WriteOptions {
  /** Largest shard in bytes (default 4 MiB, as tfjs). */
  readonly shardBytes?: number;
}

/** What saveModel() wrote: the folder, the file names and the bytes. */
export interface SaveResult {
  /** Absolute path of the folder written ('' when an IOHandler wrote it). */
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
 * Saves a LayersModel as model.json + weight shards in the stock tfjs layout, atomically (see
 * writeFilesAtomic: a versioned folder and a symlink swap). `to` is a path, a file:// URL or a
 * tf.io.IOHandler (its save() receives the checked artifacts). Refuses a non-empty target unless
 * `{ overwrite: true }`, never writes over, into or around an input model's folder, and refuses
 * NaN/Inf weights.
 */
export async function saveModel(
  model: tfl.LayersModel,
  to: ModelLocation,
  opts: SaveOptions = {},
): Promise<SaveResult> {
  const loc = resolveLocation(to, 'saveModel: the target');
  if (loc.kind === 'http') {
    throw new InvalidArgumentError(
      `saveModel cannot write to '${loc.url}': http(s) URLs are for loading. Pass tf.io.http(url) as the target to POST the model.`,
      { field: 'to', value: loc.url },
    );
  }
  if (loc.kind === 'handler') {
    if (typeof loc.handler.save !== 'function') {
      throw new InvalidArgumentError('saveModel: the IOHandler passed as the target has no save() method.', {
        field: 'to',
      });
    }
    const artifacts = await modelArtifacts(model);
    const data = weightBytes(artifacts);
    checkWeightsFinite(
      (artifacts.weightSpecs ?? []) as WeightSpec[],
      data.buffer as ArrayBuffer,
      'the model saved',
    );
    await loc.handler.save(artifacts);
    return { dir: '', files: [], bytes: tf.io.getModelArtifactsInfoForJSON(artifacts).weightDataBytes ?? 0 };
  }
  await checkTarget(loc.path, opts);
  return writeArtifacts(loc.path, await modelArtifacts(model), opts);
}
