/**
 * Training with both losses active, through fineTune on the packed view (packed.ts): every epoch
 * ends with both heads measured on the validation split, and the weights of the best epoch (highest
 * sign accuracy + lane mIoU) are put back at the end. Used for the baseline and for fine-tuning
 * (masks kept at zero).
 */
import type { MaskSet } from '@prunekit/core';
import { cosineLr } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { type MultitaskLossOptions, multitaskLoss, packedView } from './packed.js';

export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** Peak learning rate; cosine-decayed to lr/20 over the run. */
  readonly lr: number;
  readonly loss: MultitaskLossOptions;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly val: Evaluation;
  readonly seconds: number;
}

export interface TrainResult {
  readonly history: readonly EpochRecord[];
  /** Epoch (0-based) whose weights the model holds. */
  readonly bestEpoch: number;
}

const score = (e: Evaluation) => e.signAccuracy + e.laneMIoU;

export async function trainMultitask(
  model: tfl.LayersModel,
  train: Split,
  val: Split,
  cfg: TrainConfig,
  opts: { masks?: MaskSet; seed: number; log: (line: string) => void; label: string },
): Promise<TrainResult> {
  const history: EpochRecord[] = [];
  let best: { epoch: number; score: number; weights: tf.Tensor[] } | undefined;
  const weights = () => model.getWeights();
  try {
    await fineTune(
      packedView(model),
      { x: train.x, y: train.y },
      {
        epochs: cfg.epochs,
        batchSize: cfg.batchSize,
        lr: cosineLr({ lr: cfg.lr, minLr: cfg.lr / 20 }),
        loss: multitaskLoss(train.data.signNames.length, train.data.laneNames.length, cfg.loss),
        masks: opts.masks,
        seed: opts.seed,
        verbose: 0,
        onEpoch: (e) => {
          const v = evaluate(model, val);
          history.push({ epoch: e.epoch, loss: e.loss, val: v, seconds: e.seconds });
          opts.log(
            `${opts.label}: epoch ${e.epoch + 1}/${cfg.epochs} loss ${e.loss.toFixed(4)}; val sign ${(100 * v.signAccuracy).toFixed(2)}%, ` +
              `lane mIoU ${(100 * v.laneMIoU).toFixed(2)}% (${e.seconds.toFixed(1)} s)`,
          );
          if (!best || score(v) > best.score) {
            if (best) tf.dispose(best.weights);
            best = { epoch: e.epoch, score: score(v), weights: weights().map((w) => tf.clone(w)) };
          }
        },
      },
    );
    if (best && best.epoch !== history.length - 1) model.setWeights(best.weights);
    return { history, bestEpoch: best?.epoch ?? -1 };
  } finally {
    if (best) tf.dispose(best.weights);
  }
}
