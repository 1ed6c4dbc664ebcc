/**
 * Baseline training: Adam on a fresh generated training set every epoch (the generator is cheap,
 * so the model never sees an image twice and does not overfit), step-decayed learning rate, and
 * the weights of the best validation epoch kept.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { GenerateOptions } from './generator.js';
import { disposeSplit, makeSplit, type Split } from './data.js';
import { evaluate } from './evaluate.js';
import { createSignModel } from './model.js';

export interface BaselineOptions {
  readonly numClasses: number;
  /** Images per epoch (a new set each epoch). */
  readonly trainSize: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Learning rate multiplier applied at 60% and again at 85% of the epochs. */
  readonly lrDecay: number;
  /** Seed of the model initialisation. */
  readonly modelSeed: number;
  /** Seed of the first epoch's training set; epoch e uses dataSeed + e. */
  readonly dataSeed: number;
  readonly val: Split;
  readonly generate?: GenerateOptions;
  readonly log?: (line: string) => void;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly acc: number;
  readonly valAcc: number;
  readonly lr: number;
  readonly seconds: number;
}

export interface BaselineResult {
  readonly model: tfl.LayersModel;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
}

function snapshot(model: tfl.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => tf.clone(w));
}

export function compileForTraining(model: tfl.LayersModel, lr: number): tf.AdamOptimizer {
  const optimizer = tf.train.adam(lr);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return optimizer;
}

export async function trainBaseline(opts: BaselineOptions): Promise<BaselineResult> {
  const log = opts.log ?? (() => {});
  const model = createSignModel(opts.numClasses, opts.modelSeed);
  const optimizer = compileForTraining(model, opts.lr);
  const history: EpochRecord[] = [];
  let best: tf.Tensor[] | undefined;
  let bestAcc = -1;
  let bestEpoch = -1;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const t0 = performance.now();
      const decays =
        (epoch >= Math.floor(opts.epochs * 0.6) ? 1 : 0) + (epoch >= Math.floor(opts.epochs * 0.85) ? 1 : 0);
      const lr = opts.lr * opts.lrDecay ** decays;
      // tfjs's Adam reads its learning rate on every step; there is no public setter.
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const train = makeSplit('train', opts.trainSize, opts.dataSeed + epoch, opts.generate);
      let h: tfl.History;
      try {
        // The generated set is already in random order and new every epoch: no shuffle needed,
        // which keeps training independent of Math.random.
        h = await model.fit(train.x, train.y, {
          epochs: 1,
          batchSize: opts.batchSize,
          shuffle: false,
          verbose: 0,
        });
      } finally {
        disposeSplit(train);
      }
      const valAcc = evaluate(model, opts.val).accuracy;
      const rec: EpochRecord = {
        epoch: epoch + 1,
        loss: Number(h.history.loss[0]),
        acc: Number((h.history.acc ?? h.history.accuracy)[0]),
        valAcc,
        lr,
        seconds: (performance.now() - t0) / 1000,
      };
      history.push(rec);
      log(
        `epoch ${rec.epoch}/${opts.epochs}  loss ${rec.loss.toFixed(4)}  acc ${(100 * rec.acc).toFixed(2)}%  ` +
          `val ${(100 * valAcc).toFixed(2)}%  lr ${lr.toExponential(1)}  ${rec.seconds.toFixed(1)} s`,
      );
      if (valAcc > bestAcc) {
        bestAcc = valAcc;
        bestEpoch = epoch + 1;
        for (const t of best ?? []) t.dispose();
        best = snapshot(model);
      }
    }
    if (best) model.setWeights(best);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    for (const t of best ?? []) t.dispose();
    optimizer.dispose();
  }
  return { model, history, bestEpoch };
}
