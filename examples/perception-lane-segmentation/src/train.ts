/**
 * Training and fine-tuning through @prunekit/finetune: class-weighted pixel cross-entropy, Adam,
 * cosine LR. No `validation` is passed: fineTune's validation pass counts accuracy per sample row
 * and refuses a per-pixel output, so the figures come from evaluate.ts instead.
 */
import type { MaskSet } from '@prunekit/core';
import {
  cosineLr,
  type EpochLog,
  type FineTuneOptions,
  type FineTuneResult,
  fineTune,
} from '@prunekit/finetune';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { pixelCrossEntropy } from './loss.js';

export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly classWeights: readonly number[];
  readonly masks?: MaskSet;
  readonly seed: number;
}

/** fineTune's options for one run of `cfg`, logging each epoch under `label`. */
function options(cfg: TrainConfig, log: (line: string) => void, label: string): FineTuneOptions {
  const report = (e: EpochLog) =>
    log(`${label}: epoch ${e.epoch + 1}/${cfg.epochs} loss ${e.loss.toFixed(4)} ${e.seconds.toFixed(1)} s`);
  return {
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    lr: cosineLr({ lr: cfg.lr, minLr: cfg.lr / 20 }),
    loss: pixelCrossEntropy(cfg.classWeights),
    masks: cfg.masks,
    seed: cfg.seed,
    verbose: 0,
    onEpoch: report,
  };
}

export function train(
  model: tfl.LayersModel,
  data: { x: tf.Tensor; y: tf.Tensor },
  cfg: TrainConfig,
  log: (line: string) => void,
  label: string,
): Promise<FineTuneResult> {
  return fineTune(model, { x: data.x, y: data.y }, options(cfg, log, label));
}
