/**
 * Keeps the weights of the epoch with the best validation mIoU and puts them back at the end.
 * fineTune's own early stopping watches val_acc / val_loss from a validation pass that assumes one
 * label row per sample, so a segmentation run does its own selection through the onEpoch hook.
 * Selection uses the validation scenes only; the test scenes stay unseen until the final figures.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluateSeg } from './evaluate.js';
import type { Split } from './splits.js';

export interface BestEpoch {
  /** Call after every epoch: measures validation mIoU and keeps a copy of the weights when it improved. */
  observe(epoch: number): number;
  /** Writes the best weights back into the model (if any epoch was observed) and frees the copy. */
  restore(): { epoch: number; miou: number } | undefined;
  /** Frees the copy without touching the model. */
  dispose(): void;
}

export function bestEpoch(model: tfl.LayersModel, val: Split): BestEpoch {
  let best: { epoch: number; miou: number; weights: tf.Tensor[] } | undefined;
  return {
    observe(epoch) {
      const miou = evaluateSeg(model, val).miou;
      if (!best || miou > best.miou) {
        if (best) tf.dispose(best.weights);
        best = { epoch, miou, weights: model.getWeights().map((w) => tf.clone(w)) };
      }
      return miou;
    },
    restore() {
      if (!best) return undefined;
      model.setWeights(best.weights);
      tf.dispose(best.weights);
      const { epoch, miou } = best;
      best = undefined;
      return { epoch, miou };
    },
    dispose() {
      if (best) tf.dispose(best.weights);
      best = undefined;
    },
  };
}
