import type { GuardCheck } from './judge.js';

/** One pruning step tried under the guard. */
export interface GuardStep {
  /** 'group' (channel pruning) or 'layer' (unstructured, per layer). */
  readonly kind: 'group' | 'layer';
  /** Dependency group id or layer name. */
  readonly id: string;
  /** Layers whose channels / weights the step removes. */
  readonly layers: readonly string[];
  /** Round of an iterative run (0-based). */
  readonly round: number;
  /** Channels or weights the step removes. */
  readonly removed: number;
  /** The metric measured with this step (and every step accepted before it) applied. */
  readonly value: number;
  /** Worsening against the unpruned model (positive = worse). */
  readonly drop: number;
  readonly accepted: boolean;
  /** Every guard's figures for this step (the primary guard first). */
  readonly checks: readonly GuardCheck[];
}

/**
 * What the guards decided during a guarded prune: the metric before and after, and each layer's accepted
 * or rejected step.
 */
export interface GuardLog {
  readonly metric: string;
  readonly maxDrop: number;
  /** The metric of the unpruned model. */
  readonly reference: number;
  /** The metric of the returned model. */
  readonly final: number;
  /** Every guard's metric on the unpruned model (the primary guard first). */
  readonly references: readonly GuardCheck[];
  readonly steps: readonly GuardStep[];
  /** Layers whose step was rolled back; they are kept out of further pruning. */
  readonly excluded: readonly string[];
}

/** Counts of accepted and rejected steps. */
export function guardSummary(log: GuardLog): { accepted: number; rejected: number } {
  const accepted = log.steps.filter((s) => s.accepted).length;
  return { accepted, rejected: log.steps.length - accepted };
}
