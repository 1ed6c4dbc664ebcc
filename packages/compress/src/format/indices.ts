import { CompressedFormatError } from '../errors.js';
import type { ByteReader, ByteWriter } from './bytes.js';

/** Flat indices of the nonzero values. */
export function nonzeroIndices(values: ArrayLike<number>): Uint32Array {
  let nnz = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) nnz++;
  const out = new Uint32Array(nnz);
  let at = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) out[at++] = i;
  return out;
}

/** Bytes the delta encoding of `indices` takes (LEB128 of each gap). */
export function deltaBytes(indices: Uint32Array): number {
  let bytes = 0;
  let prev = -1;
  for (const i of indices) {
    let gap = i - prev - 1;
    prev = i;
    do {
      bytes++;
      gap = Math.floor(gap / 128);
    } while (gap > 0);
  }
  return bytes;
}

/** Sorted indices as gaps (index − previous index − 1, the first against −1), each a LEB128 varint. */
export function writeDeltas(w: ByteWriter, indices: Uint32Array): void {
  let prev = -1;
  for (const i of indices) {
    w.varint(i - prev - 1);
    prev = i;
  }
}

/** Reads `count` delta-coded indices; each must stay below `size`. */
export function readDeltas(r: ByteReader, count: number, size: number, weight: string): Uint32Array {
  const out = new Uint32Array(count);
  let prev = -1;
  for (let k = 0; k < count; k++) {
    const i = prev + 1 + r.varint(`${weight} indices`);
    if (i >= size) {
      throw new CompressedFormatError(
        `${r.what}: weight '${weight}' has a sparse index ${i} past its ${size} elements; the file is corrupt.`,
        { weight, index: i },
      );
    }
    out[k] = i;
    prev = i;
  }
  return out;
}
