import { ModelFormatError, PrunekitError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildWithoutLeaks } from './build_guard.js';
import { checkArtifacts } from './check_artifacts.js';
import { type ModelLocation, resolveLocation } from './model_location.js';
import { readModel } from './read_model.js';
import { rememberSource } from './sources.js';

/**
 * Builds a LayersModel from checked artifacts. A topology tfjs cannot build (unknown class, weight
 * shape mismatch) fails with a ModelFormatError naming `where`, and leaks nothing: tensors made on
 * the way are disposed by an engine scope, variables of the half-built model by name.
 */
export async function modelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  where: string,
): Promise<tfl.LayersModel> {
  return buildWithoutLeaks(
    () => tfl.loadLayersModel(tf.io.fromMemory(artifacts)),
    (e) =>
      new ModelFormatError(
        'E_MODEL_FORMAT',
        `${where}: field 'modelTopology' could not be turned into a model: ${(e as Error).message}`,
        { file: where, field: 'modelTopology' },
      ),
  );
}

/**
 * The artifacts an IOHandler (or tf.io.http) loads; a handler without load() or one that fails
 * becomes a ModelFormatError naming `where`. Nothing is checked yet.
 */
export async function loadHandlerArtifacts(
  handler: tf.io.IOHandler,
  where: string,
): Promise<tf.io.ModelArtifacts> {
  if (typeof handler.load !== 'function') {
    throw new ModelFormatError(
      'E_MODEL_FORMAT',
      `${where} has no load() method; pass a handler that can load.`,
      {
        file: where,
      },
    );
  }
  try {
    return await handler.load();
  } catch (e) {
    if (e instanceof PrunekitError) throw e;
    throw new ModelFormatError(
      'E_MODEL_NOT_FOUND',
      `Cannot load the model from ${where}: ${(e as Error).message}`,
      {
        file: where,
      },
    );
  }
}

async function loadFromHandler(handler: tf.io.IOHandler, where: string): Promise<tfl.LayersModel> {
  const artifacts = await loadHandlerArtifacts(handler, where);
  checkArtifacts(artifacts, where);
  return modelFromArtifacts(artifacts, where);
}

/**
 * Loads a tfjs layers model after checking it (see readModel). `from` is a path (model.json or
 * its folder), a file:// URL, an http(s):// URL (read with tf.io.http) or any tf.io.IOHandler.
 * A folder read from disk is remembered so no prunekit writer will change it.
 */
export async function loadModel(from: ModelLocation): Promise<tfl.LayersModel> {
  const loc = resolveLocation(from, 'loadModel: the model location');
  if (loc.kind === 'http') return loadFromHandler(tf.io.http(loc.url), `'${loc.url}'`);
  if (loc.kind === 'handler') return loadFromHandler(loc.handler, 'the IOHandler passed to loadModel');
  const read = await readModel(loc.path);
  const model = await modelFromArtifacts(read.artifacts, read.file);
  rememberSource(model, read.dir);
  return model;
}
