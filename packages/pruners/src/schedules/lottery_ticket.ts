import type { MaskSet, ModelGraph, Schedule } from '@prunekit/core';
import { InvalidArgumentError, ShapeError, writeMasks } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkAt, checkSparsity, checkStep } from './check.js';

/** Options of lotteryTicket: the final sparsity, rounds, training steps per round and the rewind step. */
export interface LotteryTicketOptions {
  /** Sparsity after the last round. */
  readonly final: number;
  /** Prune-and-rewind rounds. */
  readonly rounds: number;
  /** Training steps per round: round r (1-based) prunes at rewindStep + r·roundSteps. */
  readonly roundSteps: number;
  /** k: the step whose weights surviving weights are reset to after each pruning. Default 0. */
  readonly rewindStep?: number;
}

/** The JSON form of a lotteryTicket schedule (what toJSON returns and scheduleFromJSON reads). */
export interface LotteryTicketJSON {
  readonly type: 'lotteryTicket';
  readonly final: number;
  readonly rounds: number;
  readonly roundSteps: number;
  readonly rewindStep: number;
}

/** at(step) of a lottery-ticket schedule also says when to rewind. */
export interface LotteryTicketSchedule extends Schedule {
  at(step: number): { prune: boolean; sparsity: number; rewind: boolean };
  readonly rewindStep: number;
}

/**
 * Iterative magnitude pruning with rewinding (Frankle & Carbin 2019; Frankle et al. 2020): each
 * round trains `roundSteps`, prunes so that a fraction 1 − (1 − final)^(r/rounds) is gone, then
 * resets the surviving weights to their values at `rewindStep` (take them with
 * `snapshotWeights` at that step and restore with `rewindWeights`). `rewind` is true exactly
 * when `prune` is.
 */
export function lotteryTicket(opts: LotteryTicketOptions): LotteryTicketSchedule {
  const name = 'lotteryTicket';
  const json: LotteryTicketJSON = {
    type: name,
    final: checkSparsity(name, 'final', opts?.final),
    rounds: checkStep(name, 'rounds', opts.rounds, 1),
    roundSteps: checkStep(name, 'roundSteps', opts.roundSteps, 1),
    rewindStep: checkStep(name, 'rewindStep', opts.rewindStep ?? 0),
  };
  const { final, rounds, roundSteps, rewindStep } = json;
  return {
    rewindStep,
    at(step) {
      checkAt(name, step);
      const q = (step - rewindStep) / roundSteps;
      const r = step <= rewindStep ? 0 : Math.min(rounds, Math.floor(q));
      const prune = step > rewindStep && Number.isInteger(q) && q <= rounds;
      const sparsity = 1 - (1 - final) ** (r / rounds);
      return { prune, sparsity, rewind: prune };
    },
    toJSON: () => ({ ...json }),
  };
}

/** Copies of the values of every parameter (the weights at the rewind step). */
export function snapshotWeights(graph: ModelGraph): Map<string, Float32Array> {
  return new Map(graph.params().map((p) => [p.id, graph.weights.values(p.id)]));
}

/**
 * Lottery-ticket rewinding: resets every parameter to its snapshot value, keeping pruned weights
 * (mask 0) at zero. Parameters without a mask are reset entirely.
 */
export function rewindWeights(
  graph: ModelGraph,
  snapshot: ReadonlyMap<string, Float32Array>,
  masks: MaskSet = new Map(),
): void {
  if (!(snapshot instanceof Map) || snapshot.size === 0) {
    throw new InvalidArgumentError(
      'rewindWeights: snapshot must be the Map returned by snapshotWeights(graph).',
      {
        field: 'snapshot',
      },
    );
  }
  for (const [id, values] of snapshot) {
    const p = graph.param(id);
    const v = Float32Array.from(values);
    const m = masks.get(id);
    if (v.length !== p.shape.reduce((a, b) => a * b, 1) || (m && m.data.length !== v.length)) {
      throw new ShapeError(
        `rewindWeights: snapshot or mask of '${id}' does not fit its shape [${p.shape}].`,
        { param: id },
      );
    }
    if (m) continue;
    const t = tf.tensor(v, [...p.shape]);
    graph.weights.assign(id, t);
    t.dispose();
  }
  // Masked parameters: snapshot · mask, through the one mask writer.
  writeMasks(graph.weights, new Map([...masks].filter(([id]) => snapshot.has(id))), snapshot);
}
