import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** A ~2 MB model (a save takes long enough to be killed inside) whose every weight equals `value`. */
export function identifiedModel(value: number): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [700], units: 700, name: 'd1' }),
      tfl.layers.dense({ units: 4, name: 'd2' }),
    ],
  });
  for (const w of m.weights) tf.tidy(() => w.write(tf.fill(w.shape as number[], value)));
  return m;
}

/** The one value every weight of `model` holds, or undefined when they disagree (a torn model). */
export function identity(model: tfl.LayersModel): number | undefined {
  const values = new Set<number>();
  for (const w of model.getWeights()) for (const v of w.dataSync()) values.add(v);
  return values.size === 1 ? [...values][0] : undefined;
}
