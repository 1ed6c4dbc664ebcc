import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { latestCheckpoint } from './checkpoint/files.js';
import { restoreRun, saveRun } from './checkpoint/run_io.js';
import { jsonlLogger } from './logging/jsonl.js';
import { tensorBoardLogger } from './logging/tensorboard.js';
import type { RunFiles } from './run_files.js';

/** Checkpoints and metric logs on the local file system (Node). */
export const nodeRunFiles: RunFiles = {
  save: saveRun,
  restore: restoreRun,
  resumable: (path) =>
    !statSync(path, { throwIfNoEntry: false })?.isDirectory() || latestCheckpoint(path) !== undefined,
  prepare: (opts) => mkdirSync(opts.dir, { recursive: true }),
  loggers: (logDir) => [jsonlLogger(join(logDir, 'metrics.jsonl')), tensorBoardLogger(logDir)],
};
