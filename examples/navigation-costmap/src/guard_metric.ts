/**
 * The guard's metric: closed-loop collision rate on validation maps, measured after a short
 * recovery fine-tune of a copy of the candidate (its current zeros held as masks), so a pruning
 * step is judged on the damage fine-tuning cannot repair. The unpruned reference goes through the
 * same recovery. Nothing is cached: unstructured steps edit the model in place.
 */
import { type MaskSet, maskFromZeros } from '@prunekit/core';
import { buildGraph, cloneModel } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { closedLoop, modelPolicy, type RolloutOptions } from './closed_loop.js';
import type { Split } from './data.js';
import type { Episode } from './sim/maps.js';
import { fit } from './train.js';

export interface RecoveredCollisionOptions {
  readonly episodes: readonly Episode[];
  readonly rollout: RolloutOptions;
  /** Demonstrations of the recovery fine-tune (empty epochs → measure as pruned). */
  readonly data: Split;
  readonly val: Split;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  /** The unpruned policy, distilled from during recovery (as in the final fine-tune). */
  readonly teacher: tfl.LayersModel;
}

/** Masks of the weights that are exactly zero in `model` (prunable kernels only). */
function heldZeros(model: tfl.LayersModel): MaskSet {
  const graph = buildGraph(model);
  const masks: MaskSet = new Map();
  for (const param of graph.params((q) => q.prunable)) {
    const mask = maskFromZeros(param.shape, graph.weights.values(param.id));
    if (mask.data.includes(0)) masks.set(param.id, mask);
  }
  return masks;
}

export function recoveredCollisionRate(
  o: RecoveredCollisionOptions,
): (model: tfl.LayersModel) => Promise<number> {
  // Agreement is not needed here; skipping it saves one A* search per step.
  const rollout = { ...o.rollout, agreement: false };
  const rate = (m: tfl.LayersModel) =>
    closedLoop(modelPolicy(m, rollout.radius), o.episodes, rollout).collisionRate;
  return async (model) => {
    if (o.epochs === 0) return rate(model);
    const copy = await cloneModel(model);
    try {
      await fit(copy, o.data, o.val, { ...o, patience: 0, masks: heldZeros(copy) });
      return rate(copy);
    } finally {
      copy.dispose();
    }
  };
}
