/** Content addresses: a sweep names the model and data it was planned on by their SHA-256. */
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What a trial needs to be reproducible: the model's and the data's hashes. */
export interface ContentIdentity {
  readonly model: string;
  readonly data: string;
  /** The tfjs backend trials run on: float results differ between backends, so it is part of the address. */
  readonly backend: string;
}

function update(h: ReturnType<typeof createHash>, t: tf.Tensor): void {
  h.update(`${t.dtype}[${t.shape.join(',')}]`);
  const v = t.dataSync();
  h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
}

/** SHA-256 of the model's topology (JSON) and every weight's dtype, shape and bytes, in order. */
export function modelHash(model: tfl.LayersModel): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(model.toJSON(null, false)));
  for (const w of model.weights) {
    h.update(w.originalName);
    update(h, w.read());
  }
  return h.digest('hex');
}

/** SHA-256 of tensors (dtype, shape, bytes, in order): the evaluation data a trial scores on. */
export function tensorsHash(tensors: readonly tf.Tensor[]): string {
  const h = createHash('sha256');
  for (const t of tensors) update(h, t);
  return h.digest('hex');
}

/** SHA-256 of a JSON value with sorted keys (sweep ids, trial ids). */
export function jsonHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
