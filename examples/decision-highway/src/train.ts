/** Training and fine-tuning through @prunekit/finetune (cross-entropy, Adam, early stopping). */
import type { MaskSet } from '@prunekit/core';
import { cosineLr, distill, type FineTuneResult } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';

export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Early stopping patience on val_acc (best epoch restored); 0 = none. */
  readonly patience?: number;
  readonly masks?: MaskSet;
  /** Distil from this model (the unpruned policy) with T = 2, α = 0.5. */
  readonly teacher?: tfl.LayersModel;
  readonly seed: number;
  /** Log each epoch (default true). */
  readonly quiet?: boolean;
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
      masks: cfg.masks,
      validation: { x: val.x, y: val.y },
      ...(cfg.patience
        ? { earlyStop: { metric: 'val_acc', patience: cfg.patience, restoreBest: true } }
        : {}),
      ...(cfg.teacher ? { loss: distill({ teacher: cfg.teacher, T: 2, alpha: 0.5 }) } : {}),
      seed: cfg.seed,
      verbose: 0,
      onEpoch: (e) => {
        if (cfg.quiet) return;
        log(
          `${label}: epoch ${e.epoch + 1}/${cfg.epochs} loss ${e.loss.toFixed(4)}` +
            `${e.val_acc === undefined ? '' : ` val ${(100 * e.val_acc).toFixed(2)}%`} ${e.seconds.toFixed(1)} s`,
        );
      },
    },
  );
}
