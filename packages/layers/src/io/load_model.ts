import { realpath } from 'node:fs/promises';
import { ModelFormatError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readModel } from './read_model.js';
import { rememberSource } from './sources.js';

/**
 * Loads a tfjs layers model from the file system (model.json or its folder), after checking it
 * (see readModel). The folder is remembered so saveModel will not overwrite it.
 */
export async function loadModel(path: string): Promise<tfl.LayersModel> {
  const read = await readModel(path);
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(tf.io.fromMemory(read.artifacts));
  } catch (e) {
    throw new ModelFormatError(
      'E_MODEL_FORMAT',
      `${read.file}: field 'modelTopology' could not be turned into a model: ${(e as Error).message}`,
      { file: read.file, field: 'modelTopology' },
    );
  }
  rememberSource(model, await realpath(read.dir));
  return model;
}
