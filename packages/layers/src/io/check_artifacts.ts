import { ModelFormatError } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { weightBytes } from './artifacts_files.js';
import { checkWeightsFinite } from './finite_weights.js';
import { parseModelJson, specBytes, type WeightSpec } from './manifest.js';

/**
 * The checks readModel makes on files, made on artifacts from any IOHandler (http, a user's
 * handler): the fields and weight specs as in model.json, weight bytes matching the specs, finite
 * float weights.
 */
export function checkArtifacts(artifacts: tf.io.ModelArtifacts, where: string): void {
  const specs = (artifacts.weightSpecs ?? []) as WeightSpec[];
  // The same field checks as a file (duplicate names, dtypes, shapes), on a model.json-shaped view.
  parseModelJson(
    JSON.stringify({
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [], weights: specs }],
    }),
    where,
  );
  const data = weightBytes(artifacts);
  const expected = specs.reduce((a, s) => a + specBytes(s), 0);
  if (expected !== data.byteLength) {
    throw new ModelFormatError(
      'E_WEIGHTS_MISMATCH',
      `${where}: the weight specs declare ${expected} bytes but the weight data holds ${data.byteLength}. ` +
        'The weights do not belong to this topology or were truncated.',
      { file: where, expected, actual: data.byteLength },
    );
  }
  checkWeightsFinite(specs, data.buffer as ArrayBuffer, where);
}
