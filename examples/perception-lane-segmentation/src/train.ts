/**
 * Training and fine-tuning through @prunekit/finetune: class-weighted pixel cross-entropy, Adam,
 * cosine LR. No `validation` is passed to fineTune (its validation pass counts accuracy per sample
 * row and refuses a per-pixel output); best-epoch selection on validation mIoU is best_epoch.ts.
 */
import type { MaskSet } from '@prunekit/core';
import { cosineLr, type EpochLog, type FineTuneOptions, type FineTuneResult } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type BestEpoch, bestEpoch } from './best_epoch.js';
import { pixelCrossEntropy } from './loss.js';
import type { Split } from './splits.js';

export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly classWeights: readonly number[];
  readonly masks?: MaskSet;
  readonly seed: number;
  /** Validation scenes: when given, the weights of the epoch with the best validation mIoU are kept. */
  readonly select?: Split;
}

/** fineTune's options for one run of `cfg`, logging each epoch under `label` (with val mIoU when selecting). */
function options(
  cfg: TrainConfig,
  log: (line: string) => void,
  label: string,
  best: BestEpoch | undefined,
): FineTuneOptions {
  const report = (e: EpochLog) => {
    const val = best ? ` val mIoU ${(100 * best.observe(e.epoch)).toFixed(2)}%` : '';
    log(
      `${label}: epoch ${e.epoch + 1}/${cfg.epochs} loss ${e.loss.toFixed(4)}${val} ${e.seconds.toFixed(1)} s`,
    );
  };
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

/** Trains `model` in place; with `cfg.select`, ends holding the weights of its best validation epoch. */
export async function train(
  model: tfl.LayersModel,
  data: { x: tf.Tensor; y: tf.Tensor },
  cfg: TrainConfig,
  log: (line: string) => void,
  label: string,
): Promise<FineTuneResult & { bestEpoch?: number }> {
  const best = cfg.select ? bestEpoch(model, cfg.select) : undefined;
  try {
    const res = await fineTune(model, { x: data.x, y: data.y }, options(cfg, log, label, best));
    const kept = best?.restore();
    if (kept) log(`${label}: kept epoch ${kept.epoch + 1} (val mIoU ${(100 * kept.miou).toFixed(2)}%)`);
    return { ...res, ...(kept ? { bestEpoch: kept.epoch } : {}) };
  } finally {
    best?.dispose(); // only still held if training threw
  }
}
