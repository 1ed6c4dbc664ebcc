import type * as tf from '@tensorflow/tfjs-core';

/** Training or validation data held in memory: inputs and targets along axis 0. */
export interface TensorData {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

/** Metrics of one finished epoch (validation keys only when validation data was given). */
export interface EpochLog {
  readonly epoch: number;
  /** Optimizer steps taken so far (whole run). */
  readonly step: number;
  readonly loss: number;
  readonly acc: number;
  readonly val_loss?: number;
  readonly val_acc?: number;
  readonly lr: number;
  /** Fraction of masked weights among the masked parameters, when masks are in force. */
  readonly sparsity?: number;
  readonly seconds: number;
}

/** Validation metrics early stopping can watch. */
export type MonitoredMetric = 'val_acc' | 'val_loss';
