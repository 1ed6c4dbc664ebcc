import { InvalidArgumentError } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';

export interface NamedWeight {
  readonly name: string;
  readonly shape: number[];
  readonly values: Float32Array | Int32Array;
}

/** All weight bytes of model artifacts in one buffer (tfjs may hand them over in pieces). */
export function concatWeightData(artifacts: tf.io.ModelArtifacts): ArrayBuffer {
  const wd = artifacts.weightData;
  const pieces = wd === undefined ? [] : Array.isArray(wd) ? wd : [wd];
  const out = new Uint8Array(pieces.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out.buffer;
}

/** The float32 / int32 weights of unquantized artifacts, in manifest order. */
export function artifactWeights(artifacts: tf.io.ModelArtifacts): NamedWeight[] {
  const data = concatWeightData(artifacts);
  const out: NamedWeight[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    if (spec.quantization || (spec.dtype !== 'float32' && spec.dtype !== 'int32')) {
      throw new InvalidArgumentError(
        `Weight '${spec.name}' is ${spec.quantization ? `already quantized (${spec.quantization.dtype})` : spec.dtype}; ` +
          'compress a model with plain float32 / int32 weights.',
        { weight: spec.name },
      );
    }
    const n = spec.shape.reduce((a, d) => a * d, 1);
    const bytes = data.slice(offset, offset + 4 * n);
    offset += 4 * n;
    out.push({
      name: spec.name,
      shape: [...spec.shape],
      values: spec.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes),
    });
  }
  return out;
}
