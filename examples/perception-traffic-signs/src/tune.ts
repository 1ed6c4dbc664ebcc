/** Fine-tuning as the recipe describes it, through @prunekit/finetune (masks kept at zero). */
import type { MaskSet, ModelGraph } from '@prunekit/core';
import type { FineTuneResult } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';
import type { Recipe } from './recipe.js';

export interface TuneInput {
  readonly model: tfl.LayersModel;
  readonly masks?: MaskSet;
  readonly graph?: ModelGraph;
  readonly train: Split;
  readonly val: Split;
  readonly cfg: Recipe['finetune'];
  readonly seed: number;
  readonly log: (line: string) => void;
  /** Prefix of the progress lines, e.g. 'unstructured 50%'. */
  readonly label: string;
}

export async function tune(input: TuneInput): Promise<FineTuneResult> {
  const { cfg } = input;
  return fineTune(
    input.model,
    { x: input.train.x, y: input.train.y },
    {
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      lr: cfg.lr,
      masks: input.masks,
      graph: input.graph,
      validation: { x: input.val.x, y: input.val.y },
      earlyStop: {
        metric: cfg.earlyStopping.monitor,
        patience: cfg.earlyStopping.patience,
        restoreBest: cfg.earlyStopping.restoreBest,
      },
      seed: input.seed,
      verbose: 0,
      onEpoch: (e) => {
        const val = e.val_acc === undefined ? '' : `  val ${(100 * e.val_acc).toFixed(2)}%`;
        input.log(
          `  ${input.label}: fine-tune epoch ${e.epoch + 1}/${cfg.epochs}  loss ${e.loss.toFixed(4)}${val}  ${e.seconds.toFixed(1)} s`,
        );
      },
    },
  );
}
