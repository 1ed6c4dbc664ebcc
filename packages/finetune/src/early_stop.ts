import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkRange } from '@prunekit/core';
import type { ModelParam } from './model_params.js';
import type { EpochLog, MonitoredMetric } from './types.js';

/** Early stopping: the metric watched, the patience in epochs, the minimum improvement and whether to restore the best epoch. */
export interface EarlyStopOptions {
  readonly metric: MonitoredMetric;
  readonly patience: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  readonly restoreBest?: boolean;
  readonly minDelta?: number;
}

export interface EarlyStopState {
  best: number;
  bestEpoch: number;
  wait: number;
}

/** Tracks the monitored metric, keeps a copy of the best weights, and says when to stop. */
export class EarlyStopper {
  readonly state: EarlyStopState;
  private readonly maximize: boolean;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(
    readonly opts: EarlyStopOptions,
    private readonly params: readonly ModelParam[],
  ) {
    if (opts.metric !== 'val_acc' && opts.metric !== 'val_loss') {
      throw new InvalidArgumentError(
        `earlyStop.metric must be 'val_acc' or 'val_loss', got ${JSON.stringify(opts.metric)}.`,
      );
    }
    checkRange('earlyStop.patience', opts.patience, 0, Infinity, { integer: true });
    this.maximize = opts.metric === 'val_acc';
    this.state = { best: this.maximize ? -Infinity : Infinity, bestEpoch: -1, wait: 0 };
  }

  /** Records an epoch; returns true when training should stop. */
  update(log: EpochLog): boolean {
    const value = log[this.opts.metric];
    if (value === undefined) {
      throw new InvalidArgumentError(
        `earlyStop monitors '${this.opts.metric}', which needs validation data: pass options.validation.`,
      );
    }
    const delta = this.opts.minDelta ?? 0;
    const better = this.maximize ? value > this.state.best + delta : value < this.state.best - delta;
    if (better) {
      this.state.best = value;
      this.state.bestEpoch = log.epoch;
      this.state.wait = 0;
      if (this.opts.restoreBest !== false) this.snapshot();
      return false;
    }
    this.state.wait++;
    return this.state.wait > this.opts.patience;
  }

  private snapshot(): void {
    this.disposeSnapshot();
    this.bestWeights = this.params.map((p) => tf.keep(tf.clone(p.variable)));
  }

  /** The best weights as plain arrays (for checkpoints), or undefined before the first epoch. */
  bestValues(): Float32Array[] | undefined {
    return this.bestWeights?.map((t) => t.dataSync() as Float32Array);
  }

  loadBestValues(values: readonly Float32Array[] | undefined): void {
    this.disposeSnapshot();
    if (values)
      this.bestWeights = values.map((v, i) => tf.keep(tf.tensor(v, [...this.params[i].shape], 'float32')));
  }

  /** Writes the best epoch's weights back into the model; returns whether it did. */
  restore(): boolean {
    if (!this.bestWeights || this.opts.restoreBest === false) return false;
    const best = this.bestWeights;
    this.params.forEach((p, i) => {
      p.variable.assign(best[i]);
    });
    return true;
  }

  private disposeSnapshot(): void {
    for (const t of this.bestWeights ?? []) t.dispose();
    this.bestWeights = undefined;
  }

  dispose(): void {
    this.disposeSnapshot();
  }
}
