/**
 * The export check: read a saved model back with nothing but node:fs and stock
 * `tf.loadLayersModel` (no prunekit code on the read path), then compare its outputs and its
 * zeros with the in-memory model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Loads `dir/model.json` and its shards with stock tfjs (tf.io.fromMemory). */
export async function loadStock(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest as tf.io.WeightsManifestConfig) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(readFileSync(join(dir, p)));
  }
  const total = buffers.reduce((a, b) => a + b.length, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    weightData.set(b, off);
    off += b.length;
  }
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: weightData.buffer,
    }),
  );
}

export interface ExportCheck {
  /** Max |reloaded − in-memory| over the probe images' outputs. */
  readonly maxAbsDiff: number;
  /** Every weight zero in memory is zero after reload, and vice versa. */
  readonly zerosExact: boolean;
}

export async function checkExport(
  model: tfl.LayersModel,
  dir: string,
  probe: tf.Tensor,
): Promise<ExportCheck> {
  const reloaded = await loadStock(dir);
  try {
    const maxAbsDiff = tf.tidy(() => {
      const a = model.predict(probe) as tf.Tensor;
      const b = reloaded.predict(probe) as tf.Tensor;
      return tf.max(tf.abs(tf.sub(a, b)));
    });
    const diff = (await maxAbsDiff.data())[0];
    maxAbsDiff.dispose();
    const w0 = model.getWeights();
    const w1 = reloaded.getWeights();
    let zerosExact = w0.length === w1.length;
    for (let i = 0; zerosExact && i < w0.length; i++) {
      const a = w0[i].dataSync();
      const b = w1[i].dataSync();
      if (a.length !== b.length) zerosExact = false;
      for (let j = 0; zerosExact && j < a.length; j++) if ((a[j] === 0) !== (b[j] === 0)) zerosExact = false;
    }
    return { maxAbsDiff: diff, zerosExact };
  } finally {
    reloaded.dispose();
  }
}
