import { ModelFormatError } from '@prunekit/core';
import type { ManifestWeight, Quantization } from '../json/model_json.js';
import { float16Array, quantizeAffine } from '@prunekit/compress';
import { halfToFloat } from './float16.js';

/** Values of one Const weight: float weights as float32 (dequantized), int32 as is, bool as 0/1. */
export type WeightValues = Float32Array | Int32Array | Uint8Array;

/** One weight as read from the shards: its manifest entry and values. */
export interface StoredWeight {
  readonly spec: ManifestWeight;
  values: WeightValues;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

const count = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

/** Bytes one weight takes in a shard. */
export function encodedBytes(spec: ManifestWeight): number {
  const b = BYTES[spec.quantization?.dtype ?? spec.dtype];
  if (b === undefined) {
    throw new ModelFormatError(
      'E_MODEL_FORMAT',
      `Weight '${spec.name}' has dtype '${spec.quantization?.dtype ?? spec.dtype}', which prunekit cannot read (float32, int32, bool, uint8/uint16/float16-quantized float32).`,
      { weight: spec.name },
    );
  }
  return count(spec.shape) * b;
}

/**
 * Decodes every weight of a manifest from the concatenated shard bytes, the way tfjs does
 * (uint8/uint16: q·scale + min; float16 → float32). tfjs's own `decodeWeights` returns tensors
 * only; surgery needs the values (and, to keep the quantization, the exact grid they sit on).
 */
export function decodeWeights(
  specs: readonly ManifestWeight[],
  data: ArrayBuffer,
): Map<string, StoredWeight> {
  const out = new Map<string, StoredWeight>();
  let at = 0;
  for (const spec of specs) {
    const n = count(spec.shape);
    const bytes = encodedBytes(spec);
    if (at + bytes > data.byteLength) {
      throw new ModelFormatError(
        'E_WEIGHTS_MISMATCH',
        `The weight shards end before weight '${spec.name}' (needs bytes ${at}..${at + bytes}, shards hold ${data.byteLength}). Copy the shards again from the source.`,
        { weight: spec.name },
      );
    }
    const q = spec.quantization;
    let values: WeightValues;
    if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
      const codes =
        q.dtype === 'uint8' ? new Uint8Array(data, at, n) : new Uint16Array(data.slice(at, at + bytes));
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = codes[i] * scale + min;
    } else if (q?.dtype === 'float16') {
      const codes = new Uint16Array(data.slice(at, at + bytes));
      values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = halfToFloat(codes[i]);
    } else if (spec.dtype === 'float32') {
      values = new Float32Array(data.slice(at, at + bytes));
    } else if (spec.dtype === 'int32') {
      values = new Int32Array(data.slice(at, at + bytes));
    } else if (spec.dtype === 'bool') {
      values = new Uint8Array(data.slice(at, at + bytes));
    } else {
      throw new ModelFormatError(
        'E_MODEL_FORMAT',
        `Weight '${spec.name}' has dtype '${spec.dtype}', which prunekit cannot read.`,
        { weight: spec.name },
      );
    }
    out.set(spec.name, { spec, values });
    at += bytes;
  }
  return out;
}

/**
 * How export writes float weights: as the input stored them ('keep', the default), all as
 * float32, or all quantized to one dtype (tfjs-converter's per-tensor schemes).
 */
export type WeightDtypeMode = 'keep' | 'float32' | 'float16' | 'uint8' | 'uint16';

/** Codes on the grid q·scale + min, or undefined when some value is off the grid. */
function onGrid(values: Float32Array, scale: number, min: number, levels: number): Uint16Array | undefined {
  if (!(scale > 0)) return undefined;
  const codes = new Uint16Array(values.length);
  const f = new Float32Array(1);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] - min) / scale);
    if (q < 0 || q > levels) return undefined;
    f[0] = q * scale + min;
    if (f[0] !== values[i]) return undefined;
    codes[i] = q;
  }
  return codes;
}

/**
 * Encodes a weight for a shard. With 'keep', a uint8/uint16 weight keeps the input's scale and min
 * whenever its (sliced) values still sit on that grid — the case after channel removal, so the
 * codes are exact — and is re-quantized per tensor otherwise (e.g. after masking put zeros off
 * the grid); float16 stays float16.
 */
export function encodeWeight(
  spec: ManifestWeight,
  values: WeightValues,
  shape: readonly number[],
  mode: WeightDtypeMode = 'keep',
): { spec: ManifestWeight; bytes: Uint8Array } {
  const q =
    spec.dtype !== 'float32' || mode === 'float32'
      ? undefined
      : mode === 'keep'
        ? spec.quantization
        : mode === spec.quantization?.dtype
          ? spec.quantization
          : { dtype: mode };
  const base: ManifestWeight = { name: spec.name, shape: [...shape], dtype: spec.dtype };
  if (!q) {
    const copy = values.slice();
    return { spec: base, bytes: new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength) };
  }
  const f = values as Float32Array;
  if (q.dtype === 'float16') {
    return { spec: { ...base, quantization: { ...q } }, bytes: new Uint8Array(float16Array(f).buffer) };
  }
  const levels = q.dtype === 'uint8' ? 255 : 65535;
  const kept = onGrid(f, q.scale ?? 1, q.min ?? 0, levels);
  // Off the grid: a fresh per-tensor range that holds 0 exactly (compress's tfjs-converter scheme).
  const grid = kept ? { scale: q.scale ?? 1, min: q.min ?? 0, q: kept } : quantizeAffine(f, q.dtype);
  const quantization: Quantization = { ...q, scale: grid.scale, min: grid.min };
  const bytes =
    q.dtype === 'uint8' ? Uint8Array.from(grid.q) : new Uint8Array(Uint16Array.from(grid.q).buffer);
  return { spec: { ...base, quantization }, bytes };
}
