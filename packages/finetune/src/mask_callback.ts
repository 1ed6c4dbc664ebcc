import * as tfl from '@tensorflow/tfjs-layers';
import type { MaskSet } from '@prunekit/core';
import { MaskEnforcer } from './masks.js';
import { modelParams } from './model_params.js';

/**
 * A `model.fit` callback that re-applies the masks after every batch, for callers who train with
 * tfjs's own loop. Call `dispose()` on the returned callback when training is over.
 */
export function keepMasksCallback(
  model: tfl.LayersModel,
  masks: MaskSet,
): tfl.CustomCallback & { dispose(): void } {
  const enforcer = new MaskEnforcer(modelParams(model));
  enforcer.set(masks);
  const cb = new tfl.CustomCallback({
    onBatchEnd: async () => enforcer.applyToWeights(),
    onTrainEnd: async () => enforcer.applyToWeights(),
  });
  return Object.assign(cb, { dispose: () => enforcer.dispose() });
}
