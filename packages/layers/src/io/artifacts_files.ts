import type * as tf from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';

/** tfjs's default shard size. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** All weight bytes of the artifacts as one array (tfjs may hand them over in pieces). */
export function weightBytes(artifacts: tf.io.ModelArtifacts): Uint8Array {
  const wd = artifacts.weightData;
  const pieces = wd === undefined ? [] : Array.isArray(wd) ? wd : [wd];
  const total = pieces.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/**
 * The files of a model in the stock tfjs layout: model.json plus 'group1-shard{i}of{n}.bin'
 * shards of at most `shardBytes` each (the artifacts' format, 'layers-model' by default; generatedBy
 * prunekit; a graph model's signature is kept).
 */
export function artifactsToFiles(
  artifacts: tf.io.ModelArtifacts,
  shardBytes = DEFAULT_SHARD_BYTES,
): Map<string, Uint8Array | string> {
  const data = weightBytes(artifacts);
  const n = Math.max(1, Math.ceil(data.byteLength / shardBytes));
  const files = new Map<string, Uint8Array | string>();
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `group1-shard${i + 1}of${n}.bin`;
    paths.push(name);
    files.set(name, data.subarray(i * shardBytes, Math.min(data.byteLength, (i + 1) * shardBytes)));
  }
  const json = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: `prunekit (TensorFlow.js tfjs-layers v${version_layers})`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.signature ? { signature: artifacts.signature } : {}),
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  files.set('model.json', JSON.stringify(json));
  return files;
}
