// Node-only entry (@prunekit/finetune/node): fineTune with checkpoints, resume and `logDir` logs on
// the file system, and the file loggers. The main entry stays free of Node built-ins (browsers).
import type * as tfl from '@tensorflow/tfjs-layers';
import { fineTuneWith } from './fine_tune.js';
import { nodeRunFiles } from './node_run_files.js';
import type { FineTuneOptions, FineTuneResult } from './options.js';
import type { TensorData } from './types.js';

export { latestCheckpoint, listCheckpoints } from './checkpoint/files.js';
export { jsonlLogger } from './logging/jsonl.js';
export { readEventFile, tensorBoardLogger } from './logging/tensorboard.js';
export { nodeRunFiles } from './node_run_files.js';
export { encodeRecord, decodeRecords } from './logging/tfrecord.js';

/**
 * The main entry's fineTune plus the file features: `checkpoint` (atomic checkpoint files),
 * `resume` (a checkpoint file or folder) and `logDir` (metrics.jsonl and a TensorBoard event file).
 */
export function fineTune(
  model: tfl.LayersModel,
  data: TensorData,
  options: FineTuneOptions,
): Promise<FineTuneResult> {
  return fineTuneWith(nodeRunFiles, model, data, options);
}
