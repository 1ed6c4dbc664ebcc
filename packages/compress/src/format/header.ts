import { CompressedFormatError } from '../errors.js';
import { ByteReader } from './bytes.js';
import { crc32 } from './crc32.js';

/** 'PKCM' — prunekit compressed model. */
export const MAGIC = 0x4d434b50;
/** Version of the compressed file format this package writes and reads. */
export const FORMAT_VERSION = 1;
/** Size in bytes of the compressed file's header (magic, version, coding, sizes, crc). */
export const HEADER_BYTES = 20;

/** How the payload is entropy coded: 0 stored as is, 1 DEFLATE (RFC 1951, via fflate). */
export type Coding = 'none' | 'deflate';
const CODING_IDS: Record<Coding, number> = { none: 0, deflate: 1 };

/** The fields of a compressed file's 20-byte header, as readHeader decodes them. */
export interface Header {
  readonly version: number;
  readonly coding: Coding;
  /** Bytes of the body once decoded. */
  readonly bodyBytes: number;
  readonly payloadBytes: number;
  readonly crc: number;
}

/**
 * Layout (little-endian): magic u32 | version u16 | coding u8 | reserved u8 | bodyBytes u32 |
 * payloadBytes u32 | crc32(payload) u32 | payload.
 */
export function writeHeader(coding: Coding, bodyBytes: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, FORMAT_VERSION, true);
  view.setUint8(6, CODING_IDS[coding]);
  view.setUint32(8, bodyBytes, true);
  view.setUint32(12, payload.length, true);
  view.setUint32(16, crc32(payload), true);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Checks magic, version, length and checksum; returns the header and the payload bytes. */
export function readHeader(bytes: Uint8Array, what: string): { header: Header; payload: Uint8Array } {
  if (bytes.length < HEADER_BYTES) {
    throw new CompressedFormatError(
      `${what} is truncated: ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header. Write the file again with saveCompressed().`,
      { what, bytes: bytes.length },
    );
  }
  const r = new ByteReader(bytes, what);
  const magic = r.u32('magic');
  if (magic !== MAGIC) {
    throw new CompressedFormatError(
      `${what} is not a prunekit compressed model (magic 0x${magic.toString(16)}, expected 0x${MAGIC.toString(16)} 'PKCM').`,
      { what, field: 'magic' },
    );
  }
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(4, true);
  if (version !== FORMAT_VERSION) {
    throw new CompressedFormatError(
      `${what} has format version ${version}; this @prunekit/compress reads version ${FORMAT_VERSION}. ` +
        'Use the prunekit release that wrote it, or compress the source model again.',
      { what, field: 'version', version },
    );
  }
  const codingId = bytes[6];
  const coding = (Object.keys(CODING_IDS) as Coding[]).find((c) => CODING_IDS[c] === codingId);
  if (!coding) {
    throw new CompressedFormatError(
      `${what}: unknown payload coding ${codingId} (known: 0 none, 1 deflate).`,
      {
        what,
        field: 'coding',
      },
    );
  }
  r.pos = 8;
  const bodyBytes = r.u32('bodyBytes');
  const payloadBytes = r.u32('payloadBytes');
  const crc = r.u32('crc32');
  const have = bytes.length - HEADER_BYTES;
  if (have !== payloadBytes) {
    throw new CompressedFormatError(
      `${what} ${have < payloadBytes ? 'is truncated' : 'has trailing bytes'}: the header declares a ${payloadBytes}-byte payload, ` +
        `the file holds ${have}. Copy the file again.`,
      { what, field: 'payloadBytes', expected: payloadBytes, actual: have },
    );
  }
  const payload = bytes.subarray(HEADER_BYTES);
  const actual = crc32(payload);
  if (actual !== crc) {
    throw new CompressedFormatError(
      `${what} fails its checksum (crc32 0x${actual.toString(16)}, header says 0x${crc.toString(16)}): the file is corrupt. Copy it again.`,
      { what, field: 'crc32', expected: crc, actual },
    );
  }
  return { header: { version, coding, bodyBytes, payloadBytes, crc }, payload };
}
