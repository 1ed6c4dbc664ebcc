import { CompressedFormatError } from '../errors.js';
import { channelOf } from '../quantize/int8.js';
import { unpackBits } from './bitpack.js';
import { ByteReader } from './bytes.js';
import { readDeltas } from './indices.js';
import type { WeightEntry } from './weight_entry.js';

function bad(what: string, weight: string, field: string, msg: string): never {
  throw new CompressedFormatError(
    `${what}: weight '${weight}' field '${field}' ${msg}; the file is corrupt.`,
    {
      weight,
      field,
    },
  );
}

const isInt = (x: unknown, min = 0): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;

/** Checks the JSON fields of a weight entry (types and ranges), before reading any bytes. */
export function checkEntry(raw: unknown, index: number, blobBytes: number, what: string): WeightEntry {
  const e = raw as Partial<WeightEntry> | null;
  const label = typeof e?.name === 'string' ? e.name : `#${index}`;
  if (typeof e !== 'object' || e === null) bad(what, label, '(entry)', 'is not an object');
  if (typeof e.name !== 'string' || e.name === '') bad(what, label, 'name', 'is missing');
  if (!Array.isArray(e.shape) || !e.shape.every((d) => isInt(d)))
    bad(what, label, 'shape', 'is not a list of sizes');
  if (e.dtype !== 'float32' && e.dtype !== 'int32')
    bad(what, label, 'dtype', `is ${JSON.stringify(e.dtype)}`);
  if (!['raw', 'int8', 'cluster'].includes(e.encoding as string)) {
    bad(what, label, 'encoding', `is ${JSON.stringify(e.encoding)}`);
  }
  if (!isInt(e.offset) || !isInt(e.length) || e.offset + e.length > blobBytes) {
    bad(what, label, 'offset/length', `points outside the ${blobBytes}-byte weight blob`);
  }
  if (e.encoding !== 'raw') {
    if (e.dtype !== 'float32') bad(what, label, 'dtype', `must be float32 for ${e.encoding}`);
    if (e.layout !== 'dense' && e.layout !== 'sparse')
      bad(what, label, 'layout', `is ${JSON.stringify(e.layout)}`);
    const n = e.shape.reduce((a, d) => a * d, 1);
    if (!isInt(e.nnz) || e.nnz > n) bad(what, label, 'nnz', `is ${JSON.stringify(e.nnz)}, not in [0, ${n}]`);
  }
  if (e.encoding === 'int8' && e.axis !== null && !(isInt(e.axis) && e.axis < e.shape.length)) {
    bad(what, label, 'axis', `is ${JSON.stringify(e.axis)}`);
  }
  if (e.encoding === 'cluster') {
    if (!isInt(e.k) || e.k > 65536 || (e.k < 1 && (e.nnz as number) > 0)) {
      bad(
        what,
        label,
        'k',
        `is ${JSON.stringify(e.k)}; a clustered weight with nonzeros needs k in [1, 65536]`,
      );
    }
    if (!isInt(e.bits, 1) || e.bits > 24) bad(what, label, 'bits', `is ${JSON.stringify(e.bits)}`);
  }
  return e as WeightEntry;
}

function finite(values: Float32Array, what: string, weight: string, field: string): Float32Array {
  for (const v of values) if (!Number.isFinite(v)) bad(what, weight, field, `holds ${v}`);
  return values;
}

/** Reconstructs a weight's values from its blob section. */
export function decodeWeight(e: WeightEntry, section: Uint8Array, what: string): Float32Array | Int32Array {
  const n = e.shape.reduce((a, d) => a * d, 1);
  const r = new ByteReader(section, what);
  let out: Float32Array | Int32Array;
  if (e.encoding === 'raw') {
    const bytes = r.bytes(n * 4, `${e.name} values`).slice();
    out =
      e.dtype === 'int32'
        ? new Int32Array(bytes.buffer)
        : finite(new Float32Array(bytes.buffer), what, e.name, 'values');
  } else if (e.encoding === 'int8') {
    const axis = e.axis ?? null;
    const scales = finite(
      r.f32s(axis === null ? 1 : e.shape[axis], `${e.name} scales`),
      what,
      e.name,
      'scales',
    );
    const chan = axis === null ? () => 0 : channelOf(e.shape, axis);
    out = new Float32Array(n);
    if (e.layout === 'sparse') {
      const idx = readDeltas(r, e.nnz as number, n, e.name);
      const q = new Int8Array(r.bytes(idx.length, `${e.name} values`).slice().buffer);
      for (let j = 0; j < idx.length; j++) out[idx[j]] = q[j] * scales[chan(idx[j])];
    } else {
      const q = new Int8Array(r.bytes(n, `${e.name} values`).slice().buffer);
      for (let i = 0; i < n; i++) out[i] = q[i] * scales[chan(i)];
    }
  } else {
    const k = e.k as number;
    const bits = e.bits as number;
    const centroids = finite(r.f32s(k, `${e.name} centroids`), what, e.name, 'centroids');
    out = new Float32Array(n);
    if (e.layout === 'sparse') {
      const idx = readDeltas(r, e.nnz as number, n, e.name);
      const codes = unpackBits(
        r.bytes(Math.ceil((idx.length * bits) / 8), `${e.name} codes`),
        idx.length,
        bits,
      );
      for (let j = 0; j < idx.length; j++) {
        if (codes[j] >= k) bad(what, e.name, 'codes', `holds cluster ${codes[j]} of ${k}`);
        out[idx[j]] = centroids[codes[j]];
      }
    } else {
      const codes = unpackBits(r.bytes(Math.ceil((n * bits) / 8), `${e.name} codes`), n, bits);
      for (let i = 0; i < n; i++) {
        if (codes[i] > k) bad(what, e.name, 'codes', `holds cluster ${codes[i]} of ${k}`);
        out[i] = codes[i] === 0 ? 0 : centroids[codes[i] - 1];
      }
    }
  }
  if (r.pos !== section.length) {
    bad(what, e.name, 'length', `is ${section.length} bytes but its data ends at ${r.pos}`);
  }
  return out;
}
