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
  nothingToResume: (path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return 'does not exist (no run has checkpointed there yet)';
    if (st.isDirectory() && latestCheckpoint(path) === undefined)
      return 'holds no checkpoint yet (the run stopped before its first)';
    return undefined;
  },
  prepare: (opts) => mkdirSync(opts.dir, { recursive: true }),
  loggers: (logDir) => [jsonlLogger(join(logDir, 'metrics.jsonl')), tensorBoardLogger(logDir)],
};
