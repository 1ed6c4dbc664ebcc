/**
 * The guard's metric: brake recall on the validation set after a short recovery fine-tune of a
 * copy of the candidate (zeros of its kernels kept as masks). A pruning step is judged by what
 * it leaves to recover, not by the raw damage that fine-tuning repairs anyway. The unpruned
 * reference is measured the same way. (No memo: unstructured steps change a model in place.)
 */
import { type MaskSet, maskFromZeros } from '@prunekit/core';
import { buildGraph, cloneModel } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';
import { evaluateOffline } from './evaluate.js';
import { train } from './train.js';

export interface RecoveryOptions {
  /** Rows the recovery epoch trains on. */
  readonly data: Split;
  readonly val: Split;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
}

function zeroMasks(model: tfl.LayersModel): MaskSet {
  const g = buildGraph(model);
  const masks: MaskSet = new Map();
  for (const p of g.params((q) => q.prunable)) {
    const m = maskFromZeros(p.shape, g.weights.values(p.id));
    if (m.data.includes(0)) masks.set(p.id, m);
  }
  return masks;
}

export function recoveredBrakeRecall(o: RecoveryOptions): (model: tfl.LayersModel) => Promise<number> {
  return async (model) => {
    if (o.epochs === 0) return evaluateOffline(model, o.val).brakeRecall;
    const copy = await cloneModel(model);
    try {
      await train(copy, o.data, o.val, { ...o, masks: zeroMasks(copy), quiet: true }, () => {}, 'recovery');
      return evaluateOffline(copy, o.val).brakeRecall;
    } finally {
      copy.dispose();
    }
  };
}
