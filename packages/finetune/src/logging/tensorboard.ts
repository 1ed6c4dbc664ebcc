import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type ScalarEvent, decodeEvent, encodeEvent } from './event_proto.js';
import type { MetricsLogger } from './logger.js';
import { decodeRecords, encodeRecord } from './tfrecord.js';

/**
 * Writes scalars to a TensorBoard event file (`events.out.tfevents.<time>.<host>`) in `dir`:
 * `tensorboard --logdir <dir>` shows them. Each event is appended and written through at once,
 * so a crash loses at most the event being written (TensorBoard stops at a torn record).
 */
export function tensorBoardLogger(
  dir: string,
  opts: { now?: () => number } = {},
): MetricsLogger & { readonly file: string } {
  const now = opts.now ?? (() => Date.now() / 1000);
  mkdirSync(dir, { recursive: true });
  const t = now();
  const file = join(
    dir,
    `events.out.tfevents.${Math.floor(t)}.${hostname().replace(/[^\w.-]/g, '_')}.${process.pid}`,
  );
  let fd: number | undefined = openSync(file, 'a');
  const append = (e: ScalarEvent) => {
    if (fd === undefined) return;
    const rec = encodeRecord(encodeEvent(e));
    writeSync(fd, rec, 0, rec.length);
  };
  append({ wallTime: t, step: 0, fileVersion: 'brain.Event:2' });
  return {
    file,
    log(kind, step, metrics) {
      const scalars = Object.entries(metrics)
        .filter(([k, v]) => typeof v === 'number' && Number.isFinite(v) && k !== 'step' && k !== 'epoch')
        .map(([k, v]) => ({ tag: `${kind}/${k}`, value: v }));
      if (scalars.length) append({ wallTime: now(), step, scalars });
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** Reads an event file back, verifying every record's CRCs (EventFileError otherwise). */
export function readEventFile(file: string): ScalarEvent[] {
  return decodeRecords(readFileSync(file), file).map((r) => decodeEvent(r));
}
