/** Imitation training and fine-tuning through @prunekit/finetune: cross-entropy, Adam, cosine LR. */
import type { MaskSet } from '@prunekit/core';
import { cosineLr, distill, type FineTuneResult } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';

export interface FitConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Early-stopping patience on val_acc with the best epoch restored; 0 turns it off. */
  readonly patience: number;
  readonly seed: number;
  /** Zeros that must stay zero (unstructured models). */
  readonly masks?: MaskSet;
  /** Distil from this model (the unpruned policy) at T = 2. */
  readonly teacher?: tfl.LayersModel;
  /** Weight of the teacher's soft targets against the expert's labels (default 0.5). */
  readonly alpha?: number;
  /** Called once per epoch with a ready line; omit for silence. */
  readonly log?: (line: string) => void;
}

export function fit(model: tfl.LayersModel, data: Split, val: Split, c: FitConfig): Promise<FineTuneResult> {
  return fineTune(
    model,
    { x: data.x, y: data.y },
    {
      epochs: c.epochs,
      batchSize: c.batchSize,
      lr: cosineLr({ lr: c.lr, minLr: c.lr / 20 }),
      masks: c.masks,
      validation: { x: val.x, y: val.y },
      earlyStop: c.patience > 0 ? { metric: 'val_acc', patience: c.patience, restoreBest: true } : undefined,
      loss: c.teacher ? distill({ teacher: c.teacher, T: 2, alpha: c.alpha ?? 0.5 }) : undefined,
      seed: c.seed,
      verbose: 0,
      onEpoch: (e) =>
        c.log?.(
          `epoch ${e.epoch + 1}/${c.epochs} loss ${e.loss.toFixed(4)} val ${((e.val_acc ?? 0) * 100).toFixed(2)}% (${e.seconds.toFixed(1)} s)`,
        ),
    },
  );
}
