import { InvalidArgumentError } from '@prunekit/core';

/** Bits needed to store codes 0..count-1 (at least 1). */
export function bitsFor(count: number): number {
  let bits = 1;
  while (2 ** bits < count) bits++;
  return bits;
}

/** Packs `codes` (each < 2^bits, bits ≤ 24) LSB-first into ceil(n·bits/8) bytes. */
export function packBits(codes: ArrayLike<number>, bits: number): Uint8Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 24) {
    throw new InvalidArgumentError(`packBits: bits must be an integer in [1, 24], got ${bits}.`);
  }
  const out = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  let acc = 0;
  let held = 0;
  let at = 0;
  for (let i = 0; i < codes.length; i++) {
    acc |= codes[i] << held;
    held += bits;
    while (held >= 8) {
      out[at++] = acc & 0xff;
      acc >>>= 8;
      held -= 8;
    }
  }
  if (held > 0) out[at] = acc & 0xff;
  return out;
}

/** Inverse of packBits; `bytes` must hold at least ceil(count·bits/8) bytes. */
export function unpackBits(bytes: Uint8Array, count: number, bits: number): Uint32Array {
  const out = new Uint32Array(count);
  const mask = (1 << bits) - 1;
  let acc = 0;
  let held = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    while (held < bits) {
      acc |= bytes[at++] << held;
      held += 8;
    }
    out[i] = acc & mask;
    acc >>>= bits;
    held -= bits;
  }
  return out;
}
