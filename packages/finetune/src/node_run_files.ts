import { join } from 'node:path';
import { restoreRun, saveRun } from './checkpoint/run_io.js';
import { jsonlLogger } from './logging/jsonl.js';
import { tensorBoardLogger } from './logging/tensorboard.js';
import type { RunFiles } from './run_files.js';

/** Checkpoints and metric logs on the local file system (Node). */
export const nodeRunFiles: RunFiles = {
  save: saveRun,
  restore: restoreRun,
  loggers: (logDir) => [jsonlLogger(join(logDir, 'metrics.jsonl')), tensorBoardLogger(logDir)],
};
