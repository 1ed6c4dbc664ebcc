/**
 * Displacement metrics over [n, FUTURE, 2] predictions and ground truth (metres):
 * ADE = mean over samples and future steps of ‖p̂ − p‖; FDE = mean of ‖p̂ − p‖ at the last step;
 * miss rate = the share of samples whose final error exceeds the miss threshold (2 m).
 */
import { FUTURE, HISTORY, VEL_SCALE } from './sim/samples.js';

export interface Displacement {
  readonly ade: number;
  readonly fde: number;
  readonly missRate: number;
}

export const MISS_THRESHOLD_M = 2;

export function displacement(pred: Float32Array, truth: Float32Array, n: number): Displacement {
  let sum = 0;
  let final = 0;
  let misses = 0;
  for (let s = 0; s < n; s++) {
    for (let f = 0; f < FUTURE; f++) {
      const o = (s * FUTURE + f) * 2;
      const e = Math.hypot(pred[o] - truth[o], pred[o + 1] - truth[o + 1]);
      sum += e;
      if (f === FUTURE - 1) {
        final += e;
        if (e > MISS_THRESHOLD_M) misses++;
      }
    }
  }
  return { ade: sum / (n * FUTURE), fde: final / n, missRate: misses / n };
}

/**
 * The constant-velocity prediction: the target keeps its last observed velocity (the history's
 * last vx, vy channels) for the whole horizon.
 */
export function constantVelocity(x: Float32Array, n: number, channels: number, dt: number): Float32Array {
  const out = new Float32Array(n * FUTURE * 2);
  for (let s = 0; s < n; s++) {
    const o = (s * HISTORY + HISTORY - 1) * channels;
    const vx = x[o + 2] * VEL_SCALE;
    const vy = x[o + 3] * VEL_SCALE;
    for (let f = 0; f < FUTURE; f++) {
      out[(s * FUTURE + f) * 2] = vx * dt * (f + 1);
      out[(s * FUTURE + f) * 2 + 1] = vy * dt * (f + 1);
    }
  }
  return out;
}
