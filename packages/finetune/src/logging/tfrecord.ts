import { EventFileError } from './errors.js';
import { maskedCrc32c } from './crc32c.js';

/** One TFRecord: u64 length | u32 masked CRC of the length | data | u32 masked CRC of the data. */
export function encodeRecord(data: Uint8Array): Buffer {
  const head = Buffer.alloc(12);
  head.writeBigUInt64LE(BigInt(data.length), 0);
  head.writeUInt32LE(maskedCrc32c(head.subarray(0, 8)), 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([head, data, tail]);
}

/** Splits a TFRecord stream into records, checking both CRCs of each. */
export function decodeRecords(buf: Buffer, file = 'buffer'): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 12 > buf.length)
      throw new EventFileError(`${file}: record header truncated at byte ${at}.`, { file });
    const len = Number(buf.readBigUInt64LE(at));
    if (buf.readUInt32LE(at + 8) !== maskedCrc32c(buf.subarray(at, at + 8)))
      throw new EventFileError(`${file}: length CRC mismatch at byte ${at}.`, { file });
    const start = at + 12;
    if (start + len + 4 > buf.length)
      throw new EventFileError(`${file}: record at byte ${at} runs past the end.`, { file });
    const data = buf.subarray(start, start + len);
    if (buf.readUInt32LE(start + len) !== maskedCrc32c(data))
      throw new EventFileError(`${file}: data CRC mismatch at byte ${at}.`, { file });
    out.push(data);
    at = start + len + 4;
  }
  return out;
}
