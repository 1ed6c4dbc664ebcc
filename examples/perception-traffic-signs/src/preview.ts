/**
 * Writes a PNG contact sheet of generated signs (one row per class) for eyeballing the generator:
 *   tsx --conditions=source src/preview.ts [out.png] [perClass] [seed]
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { generateDataset } from './generator.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes an RGB image (HWC, 8-bit) as PNG. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    sig,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A grid: one row per class, `perClass` columns, from a dataset seeded with `seed`. */
export function contactSheet(
  perClass: number,
  seed: number,
): { rgb: Uint8Array; width: number; height: number } {
  const ds = generateDataset(perClass * 40, seed);
  const s = ds.size;
  const width = perClass * s;
  const height = ds.numClasses * s;
  const rgb = new Uint8Array(width * height * 3);
  const filled = new Array(ds.numClasses).fill(0);
  for (let i = 0; i < ds.count; i++) {
    const c = ds.labels[i];
    const col = filled[c]++;
    if (col >= perClass) continue;
    for (let y = 0; y < s; y++) {
      const src = ds.images.subarray(i * s * s * 3 + y * s * 3, i * s * s * 3 + (y + 1) * s * 3);
      rgb.set(src, ((c * s + y) * width + col * s) * 3);
    }
  }
  return { rgb, width, height };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? 'signs-preview.png';
  const sheet = contactSheet(Number(process.argv[3] ?? 12), Number(process.argv[4] ?? 7));
  writeFileSync(out, encodePng(sheet.rgb, sheet.width, sheet.height));
  console.log(`wrote ${out} (${sheet.width}x${sheet.height})`);
}
