/** Training and fine-tuning through @prunekit/finetune: MSE on the residuals, Adam, cosine LR. */
import type { MaskSet } from '@prunekit/core';
import { cosineLr, type FineTuneResult, meanSquaredError } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';
import { distillMse } from './distill_mse.js';

export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Early stopping patience on the validation loss (best epoch restored); 0 = none. */
  readonly patience?: number;
  readonly masks?: MaskSet;
  /** Distil from this model (the unpruned predictor) with weight `distill` on its outputs. */
  readonly teacher?: tfl.LayersModel;
  readonly distill?: number;
  readonly seed: number;
}

export function train(
  model: tfl.LayersModel,
  data: Split,
  val: Split,
  cfg: TrainConfig,
  log: (line: string) => void,
  label: string,
): Promise<FineTuneResult> {
  return fineTune(
    model,
    { x: data.x, y: data.y },
    {
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      // Cosine decay to lr/30 over the run.
      lr: cosineLr({ lr: cfg.lr, minLr: cfg.lr / 30 }),
      loss: cfg.teacher && cfg.distill ? distillMse(cfg.teacher, cfg.distill) : meanSquaredError(),
      masks: cfg.masks,
      validation: { x: val.x, y: val.y },
      ...(cfg.patience
        ? { earlyStop: { metric: 'val_loss', patience: cfg.patience, restoreBest: true } }
        : {}),
      seed: cfg.seed,
      verbose: 0,
      onEpoch: (e) =>
        log(
          `${label}: epoch ${e.epoch + 1}/${cfg.epochs} loss ${e.loss.toFixed(5)}` +
            `${e.val_loss === undefined ? '' : ` val ${e.val_loss.toFixed(5)}`} ${e.seconds.toFixed(1)} s`,
        ),
    },
  );
}
