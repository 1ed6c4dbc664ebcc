import type { EpochLog } from '../types.js';

/**
 * Learning rate as a function of the optimizer step. Stateful schedules (reduce-on-plateau) learn
 * from epoch logs and expose their state so checkpoints can restore it.
 */
export interface LrSchedule {
  readonly name: string;
  at(step: number, totalSteps: number): number;
  onEpochEnd?(log: EpochLog): void;
  getState?(): Record<string, number>;
  setState?(state: Record<string, number>): void;
}

/** A constant learning rate. */
export function constantLr(lr: number): LrSchedule {
  return { name: 'constant', at: () => lr };
}
