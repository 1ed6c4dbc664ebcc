import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MetricsLogger } from './logger.js';

/** Appends one JSON object per line: `{"kind":"epoch","step":40,"time":"…","loss":0.31,…}`. */
export function jsonlLogger(file: string): MetricsLogger {
  mkdirSync(dirname(file), { recursive: true });
  let fd: number | undefined = openSync(file, 'a');
  return {
    log(kind, step, metrics) {
      if (fd === undefined) return;
      writeSync(fd, `${JSON.stringify({ kind, step, time: new Date().toISOString(), ...metrics })}\n`);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
