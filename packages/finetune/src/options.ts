import type { MaskSet, ModelGraph, Regularizer, Schedule } from '@prunekit/core';
import type { EarlyStopOptions } from './early_stop.js';
import type { MetricsLogger } from './logging/logger.js';
import type { Loss } from './losses/loss.js';
import type { LrSchedule } from './lr/schedule.js';
import type { TrainOptimizer } from './optim/optimizer.js';
import type { ProgressStream } from './progress.js';
import type { EpochLog, TensorData } from './types.js';

/** Gradual pruning during training: `schedule` says when and how much, `prune` makes the masks. */
export interface GradualPruning {
  readonly schedule: Schedule;
  /** Returns the masks to enforce from now on (they replace the ones in force, `current`). */
  prune(step: number, sparsity: number, current: MaskSet): MaskSet | Promise<MaskSet>;
}

/** Where and how often fineTune (from @prunekit/finetune/node) writes checkpoints, and how many it keeps. */
export interface CheckpointOptions {
  /** Folder for checkpoint files (created when missing). */
  readonly dir: string;
  /** Write a checkpoint every N optimizer steps. */
  readonly every: number;
  /** How many of the newest checkpoints to keep (default 2). */
  readonly keep?: number;
}

/** Everything fineTune takes: epochs, batch size, learning rate or schedule, optimizer, loss, regularizers, masks, validation, early stopping, gradual pruning, logging, checkpoints. */
export interface FineTuneOptions {
  readonly epochs: number;
  readonly batchSize?: number;
  /** Learning rate, or a schedule of it (default 1e-3). */
  readonly lr?: number | LrSchedule;
  /** 'adam' (default), 'sgd', 'momentum', or an optimizer value. */
  readonly optimizer?: 'adam' | 'sgd' | 'momentum' | TrainOptimizer;
  /** Training objective (default: cross-entropy). */
  readonly loss?: Loss;
  /** Weights to keep at exactly zero, by parameter id (`${layer}/${weight}`). */
  readonly masks?: MaskSet;
  /** The ModelGraph the masks were built on; when given, mask ids are checked against it. */
  readonly graph?: ModelGraph;
  readonly validation?: TensorData;
  readonly earlyStop?: EarlyStopOptions;
  /** loss + Σ λ·penalty; e.g. `{ regularizer: lp({ p: 1, lambda: 1e-4 }) }`. */
  readonly regularizer?: Regularizer | readonly Regularizer[];
  readonly pruning?: GradualPruning;
  readonly checkpoint?: CheckpointOptions;
  /**
   * A checkpoint file, or a folder whose newest checkpoint is used, to continue from. A path that
   * does not exist, or a folder with no checkpoint yet, starts the run afresh and says so in
   * `startedAfresh`; a checkpoint that exists but cannot be used is a CheckpointError.
   */
  readonly resume?: string;
  /** Loggers the caller owns (and closes). */
  readonly loggers?: readonly MetricsLogger[];
  /** Folder for `metrics.jsonl` and a TensorBoard event file, opened and closed by fineTune. */
  readonly logDir?: string;
  /** Step-level metrics go to the loggers every N steps (default 10; 0 = epochs only). */
  readonly logEvery?: number;
  /** Seed of the data order (default 0). */
  readonly seed?: number;
  readonly shuffle?: boolean;
  readonly onEpoch?: (log: EpochLog) => void | Promise<void>;
  readonly onStep?: (step: number, loss: number) => void | Promise<void>;
  /** 0: silent; 1 (default): progress bar on a TTY, one JSON line per epoch otherwise. */
  readonly verbose?: 0 | 1;
  readonly progress?: ProgressStream;
}

/** What fineTune returns: the per-epoch history, steps taken, whether it stopped early or restored an epoch, the masks in force and the checkpoint it resumed from. */
export interface FineTuneResult {
  readonly history: readonly EpochLog[];
  readonly steps: number;
  readonly stoppedEarly: boolean;
  /** Epoch (0-based) whose weights the model holds after restore-best, if it restored. */
  readonly restoredEpoch?: number;
  /** Masks in force at the end (after gradual pruning, if any). */
  readonly masks: MaskSet;
  /** Checkpoint the run continued from, if any. */
  readonly resumedFrom?: string;
  /** Why `resume` started afresh (the path did not exist, or its folder held no checkpoint yet, e.g. a run killed before its first). */
  readonly startedAfresh?: string;
}
