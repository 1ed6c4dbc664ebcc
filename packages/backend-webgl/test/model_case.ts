/**
 * Model-level check that runs in Node and in a page (no vitest imports): a CNN shaped like the
 * traffic-sign example (three conv3x3-relu/maxpool stages, flatten, dense-relu, dense-softmax on
 * 32x32x3), magnitude-pruned to 80% per layer, converted with toSparseModel (sparse conv and dense
 * layers) and run on each backend; outputs are compared with the same sparse model on 'cpu'.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@prunekit/core';
import { sparsePlan, toSparseModel } from '@prunekit/sparse';

export interface ModelRun {
  readonly backend: string;
  readonly maxAbsDiff: number;
  readonly sparseLayers: number;
  readonly error?: string;
}

function signShapedCnn(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + s });
  const m = tfl.sequential();
  [16, 32, 64].forEach((filters, i) => {
    m.add(
      tfl.layers.conv2d({
        ...(i === 0 ? { inputShape: [32, 32, 3] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(i + 1),
      }),
    );
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  });
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(4) }));
  m.add(tfl.layers.dense({ units: 16, activation: 'softmax', kernelInitializer: init(5) }));
  return m;
}

/** Zeroes the smallest 80% of every Dense/Conv2D kernel (biases random so they matter). */
async function prune(model: tfl.LayersModel, seed: number): Promise<void> {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length !== 2) continue;
    const k = (await ws[0].data()) as Float32Array;
    const cut = [...k].map(Math.abs).sort((a, b) => a - b)[Math.floor(0.8 * k.length)];
    const pruned = k.map((v) => (Math.abs(v) < cut ? 0 : v));
    const bias = Float32Array.from({ length: ws[1].size }, () => 0.05 * rng.normal());
    const nk = tf.tensor(pruned, ws[0].shape);
    const nb = tf.tensor(bias, ws[1].shape);
    layer.setWeights([nk, nb]);
    tf.dispose([nk, nb]);
  }
}

/**
 * Builds the pruned sparse model on the active backend (call with 'cpu' active), then predicts the
 * same seeded batch on 'cpu' and on each of `switchTo` (each started by the caller's `start`).
 */
export async function runSparseModel(
  backends: readonly string[],
  start: (backend: string) => Promise<void>,
): Promise<ModelRun[]> {
  await start('cpu');
  const dense = signShapedCnn(3);
  await prune(dense, 5);
  const plan = sparsePlan(dense, { minSparsity: 0.5 });
  // fusePooling: each conv's 2x2 max-pool runs inside the sparse conv kernel (its `pool` attribute).
  const model = await toSparseModel(dense, { minSparsity: 0.5, fusePooling: true });
  const sparseLayers = plan.filter((d) => d.converted).length;
  dense.dispose();
  const rng = createRng(9);
  const xv = Float32Array.from({ length: 4 * 32 * 32 * 3 }, () => rng.next());
  const predict = async () => {
    const x = tf.tensor4d(xv, [4, 32, 32, 3]);
    try {
      const y = model.predict(x) as tf.Tensor;
      const v = (await y.data()) as Float32Array;
      y.dispose();
      return v;
    } finally {
      x.dispose();
    }
  };
  const ref = await predict();
  const runs: ModelRun[] = [];
  for (const backend of backends) {
    try {
      await start(backend);
      if (tf.getBackend() !== backend)
        throw new Error(`asked for '${backend}', tfjs runs '${tf.getBackend()}'`);
      const got = await predict();
      let d = 0;
      for (let i = 0; i < ref.length; i++)
        d = Math.max(d, Math.abs(got[i] - ref[i]) || (Number.isNaN(got[i]) ? Infinity : 0));
      runs.push({ backend, maxAbsDiff: d, sparseLayers });
    } catch (e) {
      runs.push({
        backend,
        maxAbsDiff: Number.POSITIVE_INFINITY,
        sparseLayers,
        error: String((e as Error).message ?? e),
      });
    }
  }
  await start('cpu');
  model.dispose();
  return runs;
}
