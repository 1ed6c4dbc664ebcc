import type { MaskSet } from '@prunekit/core';
import { copyMasks, InvalidArgumentError, writeMasks } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createWeightStore, modelVariables } from '../weight_store.js';
import { cloneModel } from './clone_model.js';

/** A plain model plus the masks that belong to it; the masks live beside the model, never in it. */
export interface MaskedModel {
  readonly model: tfl.LayersModel;
  readonly masks: MaskSet;
}

function bake(model: tfl.LayersModel, masks: MaskSet): void {
  const vars = modelVariables(model);
  for (const id of masks.keys()) {
    if (!vars.has(id)) {
      const known = [...vars.keys()].slice(0, 12).join(', ');
      throw new InvalidArgumentError(
        `Mask for '${id}' matches no weight of model '${model.name}' (weights: ${known}, …).`,
        {
          id,
        },
      );
    }
  }
  writeMasks(createWeightStore(vars), masks);
}

/**
 * A copy of `model` with w·mask baked into its weights, returned beside a copy of the masks.
 * The input model is not touched.
 */
export async function maskedModel(model: tfl.LayersModel, masks: MaskSet): Promise<MaskedModel> {
  const copy = await cloneModel(model);
  try {
    bake(copy, masks);
  } catch (e) {
    copy.dispose();
    throw e;
  }
  return { model: copy, masks: copyMasks(masks) };
}

/**
 * The export step, in the spirit of TF-MOT's strip_pruning: re-applies the masks (weights that
 * drifted during training become exact zeros again) and hands back the plain LayersModel, which
 * saves and loads with stock tfjs. Works in place on `masked.model`.
 */
export function stripMasks(masked: MaskedModel): tfl.LayersModel;
export function stripMasks(model: tfl.LayersModel, masks: MaskSet): tfl.LayersModel;
export function stripMasks(a: MaskedModel | tfl.LayersModel, b?: MaskSet): tfl.LayersModel {
  const { model, masks } = b ? { model: a as tfl.LayersModel, masks: b } : (a as MaskedModel);
  bake(model, masks);
  return model;
}
