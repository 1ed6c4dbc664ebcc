import { InvalidArgumentError } from '@prunekit/core';
import { modelArtifacts, modelParamSpecs } from '@prunekit/layers';
import type { WriteOptions } from '@prunekit/layers/node';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { artifactWeights } from '../format/artifact_weights.js';
import type { WeightSelector } from '../select.js';
import { quantizeAffine } from './affine.js';
import { float16Array } from './float16.js';

/** The quantized dtypes tfjs-converter's model format supports. */
export type TfjsQuantDtype = 'uint8' | 'uint16' | 'float16';

/** Options of the tfjs-quantized export: target dtype, which weights, shard size in bytes. */
export interface TfjsQuantizedOptions extends WriteOptions {
  readonly dtype: TfjsQuantDtype;
  /** Weights to quantize (default: every float32 weight — what tfjs-converter's --quantize_* does). */
  readonly select?: WeightSelector;
  readonly shardBytes?: number;
}

/**
 * Artifacts whose float32 weights are stored the way tfjs-converter quantizes them: the manifest
 * entry keeps dtype float32 and gains `quantization: { dtype: 'uint8' | 'uint16', scale, min }`
 * (value = q · scale + min) or `{ dtype: 'float16' }`. Stock tf.loadLayersModel dequantizes them.
 */
export async function tfjsQuantizedArtifacts(
  model: tfl.LayersModel,
  dtype: TfjsQuantDtype,
  select: WeightSelector = () => true,
): Promise<tf.io.ModelArtifacts> {
  if (!['uint8', 'uint16', 'float16'].includes(dtype)) {
    throw new InvalidArgumentError(
      `dtype must be 'uint8', 'uint16' or 'float16', got ${JSON.stringify(dtype)}.`,
    );
  }
  const artifacts = await modelArtifacts(model);
  const params = modelParamSpecs(model);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const w of artifactWeights(artifacts)) {
    if (!(w.values instanceof Float32Array) || !select(w.name, w.shape, params.get(w.name))) {
      specs.push({
        name: w.name,
        shape: w.shape,
        dtype: w.values instanceof Int32Array ? 'int32' : 'float32',
      });
      parts.push(new Uint8Array(w.values.buffer.slice(0)));
    } else if (dtype === 'float16') {
      specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      parts.push(new Uint8Array(float16Array(w.values).buffer));
    } else {
      const q = quantizeAffine(w.values, dtype);
      specs.push({
        name: w.name,
        shape: w.shape,
        dtype: 'float32',
        quantization: { dtype, scale: q.scale, min: q.min },
      });
      parts.push(new Uint8Array(q.q.buffer));
    }
  }
  const data = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { ...artifacts, weightSpecs: specs, weightData: data.buffer };
}
