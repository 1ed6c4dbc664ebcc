import { realpath } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { readModel } from './read_model.js';
import { type SaveOptions, writeArtifacts } from './save_model.js';
import { rememberSourceFolder } from './sources.js';

/**
 * A tf.io.IOHandler over a folder: `model.save(fileSystemIO(dir))` writes like saveModel and
 * `tf.loadLayersModel(fileSystemIO(dir))` reads with loadModel's checks.
 */
export function fileSystemIO(dir: string, opts: SaveOptions = {}): tf.io.IOHandler {
  return {
    async save(artifacts) {
      await writeArtifacts(dir, artifacts, opts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load() {
      const read = await readModel(dir);
      // The loaded model is built by tfjs, out of reach; protect the folder itself.
      rememberSourceFolder(await realpath(read.dir));
      return read.artifacts;
    },
  };
}
