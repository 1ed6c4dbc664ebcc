import { checkRange, InvalidArgumentError } from '@prunekit/core';
import { modelArtifacts, modelParamSpecs } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { deflateSync } from 'fflate';
import type { Int8Scheme } from '../quantize/int8.js';
import type { ActivationRanges } from '../quantize/activation_ranges.js';
import { channelAxis, kernelsOnly, type WeightSelector } from '../select.js';
import { artifactWeights } from './artifact_weights.js';
import { ByteWriter } from './bytes.js';
import {
  type EncodedWeight,
  encodeCluster,
  encodeInt8,
  encodeRaw,
  type WeightEncoding,
} from './encode_weight.js';
import { type Coding, writeHeader } from './header.js';
import type { WeightEntry } from './weight_entry.js';

/** Options of compressModel: weight encoding, int8 scheme, which weights, entropy coding. */
export interface CompressOptions {
  /**
   * How selected weights are stored: 'int8' (symmetric, lossy ≤ scale/2), 'cluster' (palette of
   * the weight's distinct values — lossless; cluster with clusterModel first) or 'float32'.
   */
  readonly weights?: WeightEncoding;
  /** int8 scales per output channel (default) or per tensor. */
  readonly scheme?: Int8Scheme;
  /** Which weights `weights` applies to (default: Dense/Conv kernels); the rest stay raw. */
  readonly select?: WeightSelector;
  /** Entropy coding of the payload: 'deflate' (default) or 'none'. */
  readonly coding?: Coding;
  /** DEFLATE level 0..9 (default 9). */
  readonly level?: number;
  /** Calibrated activation ranges to store for full-int8 backends (see calibrateActivations). */
  readonly activations?: ActivationRanges;
}

/** How one weight was stored: encoding, layout, sizes and the largest reconstruction error. */
export interface WeightReport {
  readonly name: string;
  readonly encoding: WeightEntry['encoding'];
  readonly layout?: 'dense' | 'sparse';
  readonly elements: number;
  readonly nnz?: number;
  /** Bytes of the weight's section before entropy coding. */
  readonly bytes: number;
  /** Largest |original − stored| over the weight. */
  readonly maxAbsError: number;
}

/** A compressed model file's bytes, with its body size and a report per weight. */
export interface CompressResult {
  /** The file contents: header + (coded) payload. */
  readonly bytes: Uint8Array;
  /** Bytes of the body before entropy coding. */
  readonly bodyBytes: number;
  readonly weights: readonly WeightReport[];
}

function maxAbsDiff(a: Float32Array | Int32Array, b: Float32Array | Int32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Compresses a model into prunekit's format: topology JSON + weights (int8, clustered or raw,
 * sparse ones with delta-coded indices), DEFLATE-coded, behind a versioned header with a CRC-32.
 */
export async function compressModel(
  model: tfl.LayersModel,
  opts: CompressOptions = {},
): Promise<CompressResult> {
  const encoding = opts.weights ?? 'int8';
  if (!['int8', 'cluster', 'float32'].includes(encoding)) {
    throw new InvalidArgumentError(
      `weights must be 'int8', 'cluster' or 'float32', got ${JSON.stringify(encoding)}.`,
    );
  }
  const coding = opts.coding ?? 'deflate';
  if (coding !== 'deflate' && coding !== 'none') {
    throw new InvalidArgumentError(`coding must be 'deflate' or 'none', got ${JSON.stringify(coding)}.`);
  }
  const level = checkRange('level', opts.level ?? 9, 0, 9, { integer: true, maxInclusive: true });
  const select = opts.select ?? kernelsOnly;
  const artifacts = await modelArtifacts(model);
  const specs = modelParamSpecs(model);
  const encoded: EncodedWeight[] = [];
  for (const w of artifactWeights(artifacts)) {
    const spec = specs.get(w.name);
    const chosen =
      w.values instanceof Float32Array && encoding !== 'float32' && select(w.name, w.shape, spec);
    if (!chosen) encoded.push(encodeRaw(w.name, w.shape, w.values));
    else if (encoding === 'int8') {
      encoded.push(
        encodeInt8(
          w.name,
          w.shape,
          w.values as Float32Array,
          opts.scheme ?? 'per-channel',
          channelAxis(w.shape, spec),
        ),
      );
    } else encoded.push(encodeCluster(w.name, w.shape, w.values as Float32Array));
  }
  const entries: WeightEntry[] = [];
  const blob = new ByteWriter();
  for (const e of encoded) {
    entries.push({ ...e.entry, offset: blob.length, length: e.section.length });
    blob.bytes(e.section);
  }
  const json = JSON.stringify({
    format: 'prunekit-compressed',
    modelTopology: artifacts.modelTopology,
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    ...(opts.activations ? { activations: opts.activations } : {}),
    weights: entries,
  });
  const jsonBytes = new TextEncoder().encode(json);
  const body = new ByteWriter();
  body.u32(jsonBytes.length);
  body.bytes(jsonBytes);
  body.bytes(blob.finish());
  const raw = body.finish();
  const payload = coding === 'deflate' ? deflateSync(raw, { level: level as 0 }) : raw;
  const original = new Map(artifactWeights(artifacts).map((w) => [w.name, w.values]));
  return {
    bytes: writeHeader(coding, raw.length, payload),
    bodyBytes: raw.length,
    weights: encoded.map((e, i) => ({
      name: e.entry.name,
      encoding: e.entry.encoding,
      layout: e.entry.layout,
      elements: e.decoded.length,
      nnz: e.entry.nnz,
      bytes: entries[i].length,
      maxAbsError: maxAbsDiff(original.get(e.entry.name) as Float32Array, e.decoded),
    })),
  };
}
