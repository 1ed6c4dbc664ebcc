import type { EpochLog } from './types.js';

/** Everything about a run's progress that a checkpoint must carry besides tensors. */
export interface RunState {
  /** Optimizer steps taken. */
  step: number;
  epoch: number;
  /** Next batch of the current epoch. */
  batch: number;
  /** RNG state at the start of the current epoch (its data order is redrawn from it on resume). */
  rngEpochState: number[];
  /** Running sums of the current epoch. */
  sums: { loss: number; correct: number; seen: number };
  history: EpochLog[];
  stopped: boolean;
}

export function initialRunState(): RunState {
  return {
    step: 0,
    epoch: 0,
    batch: 0,
    rngEpochState: [],
    sums: { loss: 0, correct: 0, seen: 0 },
    history: [],
    stopped: false,
  };
}
