import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelFormatError } from '@prunekit/core';
import { writeFileAtomic } from '@prunekit/layers/node';
import { type ToSparseOptions, toSparseModel } from '@prunekit/sparse';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type CompressOptions, type CompressResult, compressModel } from './encode.js';
import { type DecodedModel, decodeCompressed, modelFromDecoded } from './decode.js';

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

/** Options of loadCompressed(): whether (and how) to rebuild the model with sparse layers. */
export interface LoadCompressedOptions {
  /**
   * Return sparse layers: Dense/Conv2D layers whose kernels are sparse enough become
   * SparseDense/SparseConv2D (@prunekit/sparse's toSparseModel; `true` = its defaults). Their
   * kernels must be registered on the backend that runs them (registerCpuSparseKernels, or a
   * prunekit backend package).
   */
  readonly sparse?: boolean | ToSparseOptions;
}

/**
 * Loads a compressed model file as a runnable LayersModel: stock float32 layers (weights
 * dequantized on load), or sparse layers with `{ sparse }`.
 */
export async function loadCompressed(
  file: string,
  opts: LoadCompressedOptions = {},
): Promise<tfl.LayersModel> {
  const what = `'${resolve(file)}'`;
  const dense = await modelFromDecoded(decodeCompressed(await readBytes(file), what), what);
  if (!opts.sparse) return dense;
  try {
    return await toSparseModel(dense, opts.sparse === true ? {} : opts.sparse);
  } finally {
    dense.dispose();
  }
}
