/** Fine-tuning from the recipe's finetune section (masks kept at zero; optional distillation). */
import { join } from 'node:path';
import type { MaskSet, ModelGraph } from '@prunekit/core';
import { distill, type FineTuneResult, regularizerFromConfig } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/tensors.js';
import type { Progress } from '../progress.js';
import type { Recipe } from '../recipe/schema.js';

export async function tuneModel(opts: {
  model: tfl.LayersModel;
  teacher?: tfl.LayersModel;
  masks?: MaskSet;
  graph?: ModelGraph;
  train: Split;
  val: Split;
  cfg: NonNullable<Recipe['finetune']>;
  seed: number;
  label: string;
  progress: Progress;
  /** Checkpoint folder (every epoch); with `resume`, continue from its newest checkpoint. */
  checkpoint?: string;
  resume?: boolean;
}): Promise<FineTuneResult> {
  const { cfg } = opts;
  const stepsPerEpoch = Math.ceil(opts.train.x.shape[0] / cfg.batchSize);
  const total = stepsPerEpoch * cfg.epochs;
  return fineTune(
    opts.model,
    { x: opts.train.x, y: opts.train.y },
    {
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      lr: cfg.lr,
      optimizer: cfg.optimizer,
      masks: opts.masks,
      graph: opts.graph,
      validation: { x: opts.val.x, y: opts.val.y },
      ...(cfg.earlyStopping
        ? {
            earlyStop: {
              metric: cfg.earlyStopping.monitor,
              patience: cfg.earlyStopping.patience,
              restoreBest: cfg.earlyStopping.restoreBest,
            },
          }
        : {}),
      ...(cfg.regularizer ? { regularizer: regularizerFromConfig(cfg.regularizer) } : {}),
      ...(cfg.distill && opts.teacher
        ? { loss: distill({ teacher: opts.teacher, T: cfg.distill.T, alpha: cfg.distill.alpha }) }
        : {}),
      seed: opts.seed,
      ...(opts.checkpoint ? { checkpoint: { dir: opts.checkpoint, every: stepsPerEpoch } } : {}),
      ...(opts.checkpoint && opts.resume ? { resume: opts.checkpoint } : {}),
      verbose: 0,
      onStep: (step) => opts.progress.tick(`${opts.label}: fine-tune`, Math.min(step, total), total),
      onEpoch: (e) => {
        const val = e.val_acc === undefined ? '' : `, val acc ${(100 * e.val_acc).toFixed(2)}%`;
        opts.progress.log(
          `${opts.label}: epoch ${e.epoch + 1}/${cfg.epochs} loss ${e.loss.toFixed(4)}${val} (${e.seconds.toFixed(1)} s)`,
        );
      },
    },
  );
}

/** tuneModel's checkpoint options for one fine-tune of a run: its own subfolder `part` (prune: one per level and round). */
export function checkpointFor(
  dir: string | undefined,
  resume: boolean | undefined,
  part?: string,
): { checkpoint?: string; resume?: boolean } {
  if (!dir) return {};
  return { checkpoint: part ? join(dir, part) : dir, resume: resume ?? false };
}
