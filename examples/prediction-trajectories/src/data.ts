/**
 * Samples as tensors. The model regresses the residual of the future over the constant-velocity
 * prediction, divided by RESIDUAL_SCALE: y = (future − cv) / RESIDUAL_SCALE, flattened to
 * [n, FUTURE · 2]. `decode` turns model outputs back into positions in metres.
 */
import * as tf from '@tensorflow/tfjs-core';
import { constantVelocity } from './metrics.js';
import { FUTURE, HISTORY, type Samples } from './sim/samples.js';

export const RESIDUAL_SCALE = 4;

export interface Split {
  readonly x: tf.Tensor3D;
  readonly y: tf.Tensor2D;
  /** Constant-velocity prediction and ground truth, [count, FUTURE, 2] in metres. */
  readonly cv: Float32Array;
  readonly truth: Float32Array;
  readonly count: number;
}

export function toSplit(d: Samples, dt: number): Split {
  const cv = constantVelocity(d.x, d.count, d.channels, dt);
  const residual = new Float32Array(cv.length);
  for (let i = 0; i < cv.length; i++) residual[i] = (d.y[i] - cv[i]) / RESIDUAL_SCALE;
  return {
    x: tf.tensor3d(d.x, [d.count, HISTORY, d.channels]),
    y: tf.tensor2d(residual, [d.count, FUTURE * 2]),
    cv,
    truth: d.y,
    count: d.count,
  };
}

/** Positions in metres from model outputs (residuals) and the split's constant-velocity prediction. */
export function decode(out: Float32Array, cv: Float32Array): Float32Array {
  const pos = new Float32Array(cv.length);
  for (let i = 0; i < cv.length; i++) pos[i] = cv[i] + RESIDUAL_SCALE * out[i];
  return pos;
}

export function disposeSplit(s: Split): void {
  tf.dispose([s.x, s.y]);
}
