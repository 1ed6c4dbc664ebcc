import type { CheckpointOptions } from './options.js';
import type { MetricsLogger } from './logging/logger.js';
import type { RunState } from './run_state.js';
import type { RunParts } from './checkpoint/run_io.js';

/**
 * What fineTune needs from a file system: checkpoints, resuming and the metric logs of `logDir`.
 * The main entry runs without one (browsers); `@prunekit/finetune/node` passes the Node files.
 */
export interface RunFiles {
  save(opts: CheckpointOptions, state: RunState, parts: RunParts): Promise<string>;
  restore(path: string, parts: RunParts): { state: RunState; file: string };
  /**
   * Why `path` gives nothing to resume from (it does not exist, or is a folder with no checkpoint
   * yet: a run killed before its first), so the run starts afresh; undefined when it holds one.
   */
  nothingToResume(path: string): string | undefined;
  /** Called before training when checkpoints are on (creates their folder, so a run killed before
   * its first checkpoint leaves a folder that resume recognises). */
  prepare(opts: CheckpointOptions): void;
  /** The loggers fineTune owns for `logDir` (closed when it returns). */
  loggers(logDir: string): MetricsLogger[];
}
