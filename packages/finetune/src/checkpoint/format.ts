import { createHash } from 'node:crypto';
import { CheckpointError } from '@prunekit/core';

/**
 * Checkpoint file layout (little-endian):
 *   'PKCKPT01' | u32 header length | header JSON | section bytes … | SHA-256 of everything before
 * The trailing digest covers header and body, so a truncated or altered file is always refused.
 */
const MAGIC = Buffer.from('PKCKPT01', 'ascii');
const DIGEST = 32;

export interface Section {
  readonly name: string;
  readonly dtype: 'float32' | 'uint8';
  readonly shape: readonly number[];
  readonly data: Float32Array | Uint8Array;
}

interface SectionEntry {
  name: string;
  dtype: 'float32' | 'uint8';
  shape: number[];
  offset: number;
  bytes: number;
}

// JSON has no Infinity/NaN; metric bests start at ±Infinity, so encode them explicitly.
const replacer = (_k: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v;
const reviver = (_k: string, v: unknown) =>
  v && typeof v === 'object' && '$num' in (v as object) && Object.keys(v as object).length === 1
    ? Number((v as { $num: string }).$num)
    : v;

export function encodeCheckpoint(meta: Record<string, unknown>, sections: readonly Section[]): Buffer {
  let offset = 0;
  const entries: SectionEntry[] = sections.map((s) => {
    const e = { name: s.name, dtype: s.dtype, shape: [...s.shape], offset, bytes: s.data.byteLength };
    offset += s.data.byteLength;
    return e;
  });
  const header = Buffer.from(
    JSON.stringify({ format: 'prunekit-checkpoint', version: 1, meta, sections: entries }, replacer),
    'utf8',
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const body = sections.map((s) => Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength));
  const content = Buffer.concat([MAGIC, len, header, ...body]);
  return Buffer.concat([content, createHash('sha256').update(content).digest()]);
}

export interface DecodedCheckpoint {
  readonly meta: Record<string, unknown>;
  readonly sections: ReadonlyMap<string, Section>;
}

export function decodeCheckpoint(buf: Buffer, file: string): DecodedCheckpoint {
  const bad = (why: string) =>
    new CheckpointError(
      `Checkpoint '${file}' is unusable: ${why}. Resume from an earlier checkpoint or start the run afresh.`,
      { file },
    );
  if (buf.length < MAGIC.length + 4 + DIGEST || !buf.subarray(0, MAGIC.length).equals(MAGIC))
    throw bad('not a prunekit checkpoint (bad magic or too short)');
  const content = buf.subarray(0, buf.length - DIGEST);
  const digest = createHash('sha256').update(content).digest();
  if (!digest.equals(buf.subarray(buf.length - DIGEST)))
    throw bad('checksum mismatch (file truncated or corrupted)');
  const headerLen = content.readUInt32LE(MAGIC.length);
  const bodyStart = MAGIC.length + 4 + headerLen;
  if (bodyStart > content.length) throw bad('header length past the end of the file');
  let header: {
    format?: string;
    version?: number;
    meta?: Record<string, unknown>;
    sections?: SectionEntry[];
  };
  try {
    header = JSON.parse(content.subarray(MAGIC.length + 4, bodyStart).toString('utf8'), reviver);
  } catch {
    throw bad('header is not valid JSON');
  }
  if (
    header.format !== 'prunekit-checkpoint' ||
    header.version !== 1 ||
    !header.meta ||
    !Array.isArray(header.sections)
  ) {
    throw bad(`unknown format/version ${JSON.stringify(header.format)}/${JSON.stringify(header.version)}`);
  }
  const sections = new Map<string, Section>();
  for (const e of header.sections) {
    const start = bodyStart + e.offset;
    if (start + e.bytes > content.length) throw bad(`section '${e.name}' runs past the end of the file`);
    const bytes = new Uint8Array(e.bytes);
    bytes.set(content.subarray(start, start + e.bytes));
    const data = e.dtype === 'float32' ? new Float32Array(bytes.buffer) : bytes;
    sections.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, data });
  }
  return { meta: header.meta, sections };
}
