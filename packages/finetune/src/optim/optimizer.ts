import type * as tf from '@tensorflow/tfjs-core';

/** A saved optimizer slot: one float32 array per trained variable and slot name. */
export interface SlotState {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** An optimizer's serialisable state (its name, scalars and slot values), for checkpoints. */
export interface OptimizerState {
  readonly name: string;
  /** Plain numbers (step count, hyper-parameters) kept exactly. */
  readonly scalars: Record<string, number>;
  readonly slots: readonly SlotState[];
}

/**
 * A first-order optimizer whose whole state can be saved and restored bit for bit (checkpoints).
 * `apply` updates `vars[i]` with `grads[i]`; gradients are owned by the caller.
 */
export interface TrainOptimizer {
  readonly name: string;
  learningRate: number;
  apply(vars: readonly tf.Variable[], grads: readonly tf.Tensor[]): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  dispose(): void;
}
