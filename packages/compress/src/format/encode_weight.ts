import { InvalidArgumentError } from '@prunekit/core';
import { dequantizeInt8, type Int8Scheme, quantizeInt8 } from '../quantize/int8.js';
import { bitsFor, packBits } from './bitpack.js';
import { ByteWriter } from './bytes.js';
import { deltaBytes, nonzeroIndices, writeDeltas } from './indices.js';
import type { WeightEntry } from './weight_entry.js';

/** How a selected weight is stored: 'int8' (lossy), 'cluster' (palette, lossless) or 'float32' (raw). */
export type WeightEncoding = 'int8' | 'cluster' | 'float32';

export interface EncodedWeight {
  readonly entry: Omit<WeightEntry, 'offset' | 'length'>;
  readonly section: Uint8Array;
  /** The values a loader will reconstruct (to measure the error). */
  readonly decoded: Float32Array | Int32Array;
}

function pickLayout(n: number, indices: Uint32Array, bitsPerValue: number): 'dense' | 'sparse' {
  const dense = (n * bitsPerValue) / 8;
  const sparse = deltaBytes(indices) + (indices.length * bitsPerValue) / 8;
  return sparse < dense ? 'sparse' : 'dense';
}

export function encodeRaw(name: string, shape: number[], values: Float32Array | Int32Array): EncodedWeight {
  const w = new ByteWriter();
  w.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice());
  const dtype = values instanceof Int32Array ? 'int32' : 'float32';
  return { entry: { name, shape, dtype, encoding: 'raw' }, section: w.finish(), decoded: values };
}

/** int8 values; sparse layout when the delta-coded indices cost less than the zeros they skip. */
export function encodeInt8(
  name: string,
  shape: number[],
  values: Float32Array,
  scheme: Int8Scheme,
  axis: number,
): EncodedWeight {
  const qw = quantizeInt8(values, shape, { scheme, axis });
  const indices = nonzeroIndices(qw.q);
  const layout = pickLayout(values.length, indices, 8);
  const w = new ByteWriter();
  w.f32s(qw.scales);
  if (layout === 'sparse') {
    writeDeltas(w, indices);
    const vals = new Int8Array(indices.length);
    for (let k = 0; k < indices.length; k++) vals[k] = qw.q[indices[k]];
    w.bytes(new Uint8Array(vals.buffer));
  } else {
    w.bytes(new Uint8Array(qw.q.buffer));
  }
  return {
    entry: { name, shape, dtype: 'float32', encoding: 'int8', layout, nnz: indices.length, axis: qw.axis },
    section: w.finish(),
    decoded: dequantizeInt8(qw),
  };
}

/**
 * Palette coding of a clustered weight: its distinct nonzero values (≤ 65536) and a bit-packed
 * code per element (dense: 0 = zero, c = palette[c-1]) or per nonzero (sparse). Lossless.
 */
export function encodeCluster(name: string, shape: number[], values: Float32Array): EncodedWeight {
  const palette = new Map<number, number>();
  for (const v of values) {
    if (v === 0 || palette.has(v)) continue;
    if (palette.size === 65536) {
      throw new InvalidArgumentError(
        `Weight '${name}' has more than 65536 distinct nonzero values, so it cannot be stored as clusters. ` +
          'Cluster it first (clusterModel(model, { k })) or store it as int8.',
        { weight: name },
      );
    }
    palette.set(v, palette.size);
  }
  const centroids = Float32Array.from(palette.keys()).sort();
  const code = new Map<number, number>();
  centroids.forEach((c, i) => {
    code.set(c, i);
  });
  const indices = nonzeroIndices(values);
  const k = centroids.length;
  const sparseBits = bitsFor(k);
  const denseBits = bitsFor(k + 1);
  const dense = (values.length * denseBits) / 8;
  const sparse = deltaBytes(indices) + (indices.length * sparseBits) / 8;
  const layout = sparse < dense ? 'sparse' : 'dense';
  const w = new ByteWriter();
  w.f32s(centroids);
  let bits: number;
  if (layout === 'sparse') {
    bits = sparseBits;
    writeDeltas(w, indices);
    const codes = new Uint32Array(indices.length);
    for (let j = 0; j < indices.length; j++) codes[j] = code.get(values[indices[j]]) as number;
    w.bytes(packBits(codes, bits));
  } else {
    bits = denseBits;
    const codes = new Uint32Array(values.length);
    for (let i = 0; i < values.length; i++)
      codes[i] = values[i] === 0 ? 0 : (code.get(values[i]) as number) + 1;
    w.bytes(packBits(codes, bits));
  }
  return {
    entry: { name, shape, dtype: 'float32', encoding: 'cluster', layout, nnz: indices.length, k, bits },
    section: w.finish(),
    decoded: values,
  };
}
