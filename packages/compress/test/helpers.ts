import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@prunekit/core';
import { modelVariables } from '@prunekit/layers';

export { tf, tfl };

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`wanted the cpu backend, got ${tf.getBackend()}`);
}

/** Zeros the smallest `fraction` of every kernel (magnitude pruning per weight), in place. */
export function pruneKernels(model: tfl.LayersModel, fraction: number): void {
  for (const [id, v] of modelVariables(model)) {
    if (!/kernel$/.test(id)) continue;
    const values = Float32Array.from(v.read().dataSync() as Float32Array);
    const order = Array.from(values.keys()).sort(
      (a, b) => Math.abs(values[a]) - Math.abs(values[b]) || a - b,
    );
    for (let k = 0; k < Math.floor(fraction * values.length); k++) values[order[k]] = 0;
    const t = tf.tensor(values, v.shape as number[]);
    v.write(t);
    t.dispose();
  }
}

/** Seeded uniform inputs of `shape`. */
export function inputs(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => 2 * rng.next() - 1),
    shape,
  );
}

export function weightValues(model: tfl.LayersModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [id, v] of modelVariables(model))
    out.set(id, Float32Array.from(v.read().dataSync() as Float32Array));
  return out;
}
