import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelFormatError } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type CompressOptions, type CompressResult, compressModel } from './encode.js';
import { type DecodedModel, decodeCompressed, modelFromDecoded } from './decode.js';

/**
 * Writes `bytes` to `file` atomically: a temporary file beside it is written and fsynced, then
 * renamed over the target, so readers see the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<string> {
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return target;
}

/** compressModel + an atomic write to `file` (conventionally `*.pkcm`). */
export async function saveCompressed(
  model: tfl.LayersModel,
  file: string,
  opts: CompressOptions = {},
): Promise<CompressResult & { file: string }> {
  const result = await compressModel(model, opts);
  return { ...result, file: await writeFileAtomic(file, result.bytes) };
}

async function readBytes(file: string): Promise<Uint8Array> {
  const abs = resolve(file);
  try {
    return new Uint8Array(await readFile(abs));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ModelFormatError(
        'E_MODEL_NOT_FOUND',
        `Compressed model '${abs}' does not exist. Write it with saveCompressed().`,
        {
          path: abs,
        },
      );
    }
    throw e;
  }
}

/** Reads and checks a compressed model file completely (no tensors built). */
export async function readCompressed(file: string): Promise<DecodedModel> {
  return decodeCompressed(await readBytes(file), `'${resolve(file)}'`);
}

/** Loads a compressed model file as a runnable stock LayersModel (weights dequantized on load). */
export async function loadCompressed(file: string): Promise<tfl.LayersModel> {
  const what = `'${resolve(file)}'`;
  return modelFromDecoded(decodeCompressed(await readBytes(file), what), what);
}
