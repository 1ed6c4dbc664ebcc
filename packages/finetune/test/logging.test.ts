import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFileError, crc32c, maskedCrc32c } from '../src/index.js';
import { decodeRecords, encodeRecord, fineTune, readEventFile, tensorBoardLogger } from '../src/node.js';
import { disposeData, makeData, tinyModel, useCpu } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'prunekit-logs-'));
beforeAll(useCpu);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('CRC-32C and TFRecord framing', () => {
  it('matches the CRC-32C check value and masks it as TFRecord does', () => {
    const bytes = Buffer.from('123456789', 'ascii');
    expect(crc32c(bytes)).toBe(0xe3069283);
    const c = 0xe3069283;
    expect(maskedCrc32c(bytes)).toBe(((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 test vector: 32 zero bytes
  });

  it('round-trips records and rejects a flipped bit', () => {
    const recs = [Buffer.from('first'), Buffer.alloc(0), Buffer.from('third record')];
    const buf = Buffer.concat(recs.map((r) => encodeRecord(r)));
    expect(decodeRecords(buf).map((r) => r.toString())).toEqual(['first', '', 'third record']);
    const bad = Buffer.from(buf);
    bad[14] ^= 1;
    expect(() => decodeRecords(bad)).toThrow(EventFileError);
    expect(() => decodeRecords(buf.subarray(0, buf.length - 2))).toThrow(EventFileError);
  });
});

describe('metric logs', () => {
  it('fineTune writes JSONL and a TensorBoard event file that parse back with checked CRCs', async () => {
    const dir = join(root, 'run1');
    const model = tinyModel(1);
    const train = makeData(1, 64);
    const val = makeData(2, 32);
    const r = await fineTune(model, train, {
      epochs: 3,
      batchSize: 16,
      validation: val,
      logDir: dir,
      logEvery: 2,
      verbose: 0,
    });
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const epochs = lines.filter((l) => l.kind === 'epoch');
    expect(epochs.map((e) => e.val_acc)).toEqual(r.history.map((h) => h.val_acc));
    expect(lines.filter((l) => l.kind === 'step').map((l) => l.step)).toEqual([2, 4, 6, 8, 10, 12]);

    const files = readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
    expect(files).toHaveLength(1);
    const events = readEventFile(join(dir, files[0]));
    expect(events[0].fileVersion).toBe('brain.Event:2');
    const valLoss = events.flatMap(
      (e) => e.scalars?.filter((s) => s.tag === 'epoch/val_loss').map((s) => [e.step, s.value]) ?? [],
    );
    expect(valLoss.map(([s]) => s)).toEqual([4, 8, 12]);
    for (const [i, [, v]] of valLoss.entries()) expect(v).toBeCloseTo(r.history[i].val_loss!, 5);
    expect(events.every((e) => e.wallTime > 1e9)).toBe(true);
    disposeData(train);
    disposeData(val);
    model.dispose();
  });

  it('reader refuses a corrupted event file', () => {
    const tb = tensorBoardLogger(join(root, 'run2'), { now: () => 1_700_000_000 });
    tb.log('step', 7, { loss: 0.5, lr: 0.01 });
    tb.close();
    const good = readFileSync(tb.file);
    const events = readEventFile(tb.file);
    expect(events[1]).toMatchObject({ step: 7, wallTime: 1_700_000_000 });
    expect(events[1].scalars!.map((s) => s.tag)).toEqual(['step/loss', 'step/lr']);
    const bad = Buffer.from(good);
    bad[bad.length - 6] ^= 0x10;
    writeFileSync(tb.file, bad);
    expect(() => readEventFile(tb.file)).toThrow(EventFileError);
  });
});
