import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelFormatError } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { checkWeightsFinite } from './finite_weights.js';
import { type ModelJson, parseModelJson, specBytes } from './manifest.js';
import { confinePath, confineRealPath } from './paths.js';

/** A model read from disk and checked, ready for tf.io.fromMemory. */
export interface ReadModel {
  /** Absolute path of model.json. */
  readonly file: string;
  /** Absolute path of the folder holding it. */
  readonly dir: string;
  readonly json: ModelJson;
  readonly artifacts: tf.io.ModelArtifacts;
}

function notFound(path: string, what: string, hint: string): ModelFormatError {
  return new ModelFormatError('E_MODEL_NOT_FOUND', `${what} '${path}' does not exist. ${hint}`, { path });
}

/** model.json path for a path that names either the file or its folder. */
export async function resolveModelFile(path: string): Promise<string> {
  const abs = resolve(path);
  const st = await stat(abs).catch(() => null);
  if (!st)
    throw notFound(
      abs,
      'Model file',
      'Pass the path of a model.json written by tfjs model.save() or saveModel().',
    );
  if (st.isDirectory()) {
    const inner = join(abs, 'model.json');
    if (!(await stat(inner).catch(() => null))) {
      throw notFound(inner, 'Model file', `The folder '${abs}' holds no model.json.`);
    }
    return inner;
  }
  return abs;
}

/**
 * Reads model.json and its weight shards and checks them: JSON fields, that every weight path
 * stays inside the model folder, that shard sizes match the manifest, and that float weights
 * are finite. Nothing is written.
 */
export async function readModel(
  path: string,
  opts: { readonly format?: 'layers-model' | 'graph-model' } = {},
): Promise<ReadModel> {
  // Real paths: model.json and its shards come from one version of a folder that saveModel
  // replaces by a symlink swap, even when the swap happens during the read.
  const current = async () => {
    const file = await resolveModelFile(path);
    return realpath(file).catch(() => file);
  };
  for (let attempt = 0; ; attempt++) {
    const file = await current();
    try {
      return await readModelFile(file, opts.format);
    } catch (e) {
      const gone = e instanceof ModelFormatError && e.code === 'E_MODEL_NOT_FOUND';
      if (!gone || attempt >= 2 || (await current().catch(() => file)) === file) throw e;
    }
  }
}

async function readModelFile(file: string, format?: 'layers-model' | 'graph-model'): Promise<ReadModel> {
  const dir = dirname(file);
  const name = basename(file);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw notFound(file, 'Model file', 'It vanished while being read; retry.');
    if (e.code === 'EISDIR') throw notFound(file, 'Model file', 'It is a folder.');
    throw new ModelFormatError('E_MODEL_FORMAT', `Cannot read '${file}' (${e.code}): ${e.message}`, { file });
  });
  const json = parseModelJson(text, file, format);

  // Confine every path before touching any weight file.
  const groups = json.weightsManifest.map((g) => ({ ...g, files: g.paths.map((p) => confinePath(dir, p)) }));
  const parts: Uint8Array[] = [];
  for (const [gi, g] of groups.entries()) {
    const sizes: number[] = [];
    for (const [i, f] of g.files.entries()) {
      const st = await stat(f).catch(() => null);
      if (!st?.isFile()) {
        throw notFound(
          f,
          'Weight file',
          `${name} lists it in weightsManifest[${gi}].paths; copy the shard next to it.`,
        );
      }
      await confineRealPath(dir, g.paths[i], f);
      sizes.push(st.size);
    }
    const expected = g.weights.reduce((a, w) => a + specBytes(w), 0);
    const actual = sizes.reduce((a, s) => a + s, 0);
    if (expected !== actual) {
      const shards = g.files.map((f, i) => `'${f}' (${sizes[i]} bytes)`).join(', ');
      throw new ModelFormatError(
        'E_WEIGHTS_MISMATCH',
        `Weights group ${gi} of ${file} declares ${expected} bytes but its shard file(s) ${shards} hold ${actual} bytes. ` +
          'The shards do not belong to this model.json or were truncated: copy them again from the source.',
        { file: g.files.length === 1 ? g.files[0] : g.files, expected, actual },
      );
    }
    for (const f of g.files) {
      const bytes = await readFile(f).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'ENOENT'
          ? notFound(f, 'Weight file', 'It vanished while being read; retry.')
          : new ModelFormatError(
              'E_MODEL_FORMAT',
              `Cannot read weight file '${f}' (${e.code}): ${e.message}`,
              {
                file: f,
              },
            );
      });
      parts.push(new Uint8Array(bytes));
    }
  }
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  checkWeightsFinite(specs, data.buffer, `'${file}'`);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData: data.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig as tf.io.TrainingConfig } : {}),
    ...(json.userDefinedMetadata
      ? { userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'] }
      : {}),
  };
  return { file, dir, json, artifacts };
}
