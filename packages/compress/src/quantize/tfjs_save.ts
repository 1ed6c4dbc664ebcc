import { artifactsToFiles } from '@prunekit/layers';
import { writeFilesAtomic } from '@prunekit/layers/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type TfjsQuantizedOptions, tfjsQuantizedArtifacts } from './tfjs_export.js';

/** tfjsQuantizedArtifacts written as model.json + shards (atomically) into `dir`. */
export async function saveTfjsQuantized(
  model: tfl.LayersModel,
  dir: string,
  opts: TfjsQuantizedOptions,
): Promise<{ dir: string; files: string[] }> {
  const artifacts = await tfjsQuantizedArtifacts(model, opts.dtype, opts.select);
  const files = artifactsToFiles(artifacts, opts.shardBytes);
  const out = await writeFilesAtomic(dir, files, opts);
  return { dir: out, files: [...files.keys()] };
}
