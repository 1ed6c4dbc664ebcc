import { modelVariables } from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Clustering, clusteredValues } from './cluster_model.js';
import { InvalidArgumentError } from '@prunekit/core';

/**
 * Re-ties clustered weights after an optimizer step: each centroid becomes the mean of its
 * members' current values and every member is set to it; zeros (code 0) are set back to 0.
 * Starting from tied weights, one plain-SGD step followed by this projection moves each centroid
 * by -lr · (mean gradient of its members) — the gradient averaged per cluster. With Adam the
 * per-weight step sizes differ, and the projection averages the steps instead.
 */
export function tieToClusters(model: tfl.LayersModel, clustering: Clustering): void {
  const vars = modelVariables(model);
  for (const w of clustering.values()) {
    const v = vars.get(w.id);
    if (!v) {
      throw new InvalidArgumentError(`Clustered weight '${w.id}' is not a weight of model '${model.name}'.`, {
        id: w.id,
      });
    }
    const values = v.read().dataSync() as Float32Array;
    const sum = new Float64Array(w.centroids.length);
    const count = new Uint32Array(w.centroids.length);
    for (let i = 0; i < values.length; i++) {
      const c = w.codes[i];
      if (c === 0) continue;
      sum[c - 1] += values[i];
      count[c - 1]++;
    }
    for (let c = 0; c < w.centroids.length; c++) if (count[c] > 0) w.centroids[c] = sum[c] / count[c];
    const t = tf.tensor(clusteredValues(w), [...w.shape], 'float32');
    v.write(t);
    t.dispose();
  }
}

/** A model.fit callback that re-ties the clustered weights after every batch. */
export function keepClustersCallback(model: tfl.LayersModel, clustering: Clustering): tfl.CustomCallback {
  return new tfl.CustomCallback({
    onBatchEnd: async () => tieToClusters(model, clustering),
    onTrainEnd: async () => tieToClusters(model, clustering),
  });
}
