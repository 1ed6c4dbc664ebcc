import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildWithoutLeaks } from '@prunekit/layers';
import { inflateSync } from 'fflate';
import { CompressedFormatError } from '../errors.js';
import type { ActivationRanges } from '../quantize/activation_ranges.js';
import { ByteReader } from './bytes.js';
import { checkEntry, decodeWeight } from './decode_weight.js';
import { type Header, readHeader } from './header.js';
import type { WeightEntry } from './weight_entry.js';

/** A compressed model decoded and checked, as plain float artifacts (no tensors yet). */
export interface DecodedModel {
  readonly header: Header;
  readonly artifacts: tf.io.ModelArtifacts;
  readonly entries: readonly WeightEntry[];
  readonly activations?: ActivationRanges;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Decodes and checks every byte of a compressed model (header, checksum, entropy coding, JSON,
 * every weight) into float32 artifacts. Throws CompressedFormatError naming the field; builds no
 * tensors, so a failure leaves nothing behind.
 */
export function decodeCompressed(bytes: Uint8Array, what = 'compressed model'): DecodedModel {
  const { header, payload } = readHeader(bytes, what);
  let body: Uint8Array;
  if (header.coding === 'deflate') {
    try {
      body = inflateSync(payload, { out: new Uint8Array(header.bodyBytes) });
    } catch (e) {
      throw new CompressedFormatError(
        `${what}: the DEFLATE payload does not decode (${(e as Error).message}).`,
        {
          what,
          field: 'payload',
        },
      );
    }
  } else body = payload;
  if (body.length !== header.bodyBytes) {
    throw new CompressedFormatError(
      `${what}: the payload decodes to ${body.length} bytes, the header declares ${header.bodyBytes}.`,
      { what, field: 'bodyBytes' },
    );
  }
  const r = new ByteReader(body, what);
  const jsonBytes = r.bytes(r.u32('json length'), 'json');
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch (e) {
    throw new CompressedFormatError(`${what}: the metadata is not valid JSON (${(e as Error).message}).`, {
      what,
      field: 'json',
    });
  }
  if (!isObject(meta) || meta.format !== 'prunekit-compressed') {
    throw new CompressedFormatError(`${what}: metadata field 'format' is not 'prunekit-compressed'.`, {
      what,
      field: 'format',
    });
  }
  if (!isObject(meta.modelTopology)) {
    throw new CompressedFormatError(`${what}: metadata field 'modelTopology' is missing.`, {
      what,
      field: 'modelTopology',
    });
  }
  if (!Array.isArray(meta.weights)) {
    throw new CompressedFormatError(`${what}: metadata field 'weights' is not a list.`, {
      what,
      field: 'weights',
    });
  }
  const blob = body.subarray(r.pos);
  const entries = meta.weights.map((w, i) => checkEntry(w, i, blob.length, what));
  const decoded = entries.map((e) => decodeWeight(e, blob.subarray(e.offset, e.offset + e.length), what));
  const total = decoded.reduce((a, v) => a + v.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const v of decoded) {
    data.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    at += v.byteLength;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: meta.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: entries.map((e) => ({ name: e.name, shape: e.shape, dtype: e.dtype })),
    weightData: data.buffer,
    format: 'layers-model',
    generatedBy: 'prunekit compress',
    ...(meta.trainingConfig ? { trainingConfig: meta.trainingConfig as tf.io.TrainingConfig } : {}),
    ...(isObject(meta.userDefinedMetadata)
      ? { userDefinedMetadata: meta.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'] }
      : {}),
  };
  return {
    header,
    artifacts,
    entries,
    ...(isObject(meta.activations) ? { activations: meta.activations as ActivationRanges } : {}),
  };
}

/**
 * A runnable, stock LayersModel from decoded artifacts (weights dequantized to float32). If tfjs
 * refuses the topology or the weights, the model and weight tensors it had built are disposed
 * and a CompressedFormatError is thrown: nothing is half-loaded.
 */
export async function modelFromDecoded(
  decoded: DecodedModel,
  what = 'compressed model',
): Promise<tfl.LayersModel> {
  const fail = (e: unknown, field: string) =>
    new CompressedFormatError(
      `${what}: tfjs could not build the model from its ${field} (${(e as Error).message}).`,
      {
        what,
        field,
      },
    );
  // Built inside buildWithoutLeaks: a topology tfjs cannot build (an unknown layer class, say)
  // leaves variables of the layers built before it, which are disposed there.
  let field = 'modelTopology';
  return buildWithoutLeaks(
    async () => {
      const model = await tfl.models.modelFromJSON({
        modelTopology: decoded.artifacts.modelTopology,
      } as tfl.ModelAndWeightsConfig);
      field = 'weights';
      const weights = tf.io.decodeWeights(
        decoded.artifacts.weightData as ArrayBuffer,
        decoded.artifacts.weightSpecs ?? [],
      );
      try {
        model.loadWeights(weights, true);
        if (decoded.artifacts.userDefinedMetadata)
          model.setUserDefinedMetadata(decoded.artifacts.userDefinedMetadata);
        return model;
      } finally {
        tf.dispose(Object.values(weights));
      }
    },
    (e) => fail(e, field),
  );
}

/** decodeCompressed + modelFromDecoded. */
export async function loadCompressedBytes(
  bytes: Uint8Array,
  what = 'compressed model',
): Promise<tfl.LayersModel> {
  return modelFromDecoded(decodeCompressed(bytes, what), what);
}
