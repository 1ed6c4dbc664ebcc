// A ReLU6 right after a sparse layer goes into its kernel (toFusedModel of @prunekit/layers, which
// names the sparse classes as layers that clip in place): one layer and two ops less per block.
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@prunekit/core';
import { toFusedModel } from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCpuSparseKernels, toSparseModel } from '../src/index.js';

/** Seeded weights with 3 of every 4 kernel entries zero; biases nonzero so the clip at 6 shows. */
function seedSparse(model: tfl.LayersModel): void {
  const rng = createRng(9);
  for (const layer of model.layers) {
    const ws = layer.getWeights().map((w, j) =>
      tf.tensor(
        Float32Array.from(w.dataSync(), (_v, i) => (j === 0 && i % 4 !== 0 ? 0 : 1.5 * rng.normal())),
        w.shape,
      ),
    );
    layer.setWeights(ws);
    tf.dispose(ws);
  }
}

describe('toFusedModel after toSparseModel', () => {
  beforeAll(async () => {
    registerCpuSparseKernels();
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('a ReLU6 after a SparseConv2D and after a SparseDense becomes their activation; outputs unchanged', async () => {
    const before = tf.memory().numTensors;
    const input = tfl.input({ shape: [7, 7, 3] });
    const c = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'c' }).apply(input);
    const r = tfl.layers.reLU({ maxValue: 6, name: 'r' }).apply(c) as tfl.SymbolicTensor;
    const f = tfl.layers.flatten({ name: 'f' }).apply(r);
    const d = tfl.layers.dense({ units: 5, name: 'd' }).apply(f);
    const out = tfl.layers.reLU({ maxValue: 6, name: 'rd' }).apply(d) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    seedSparse(model);
    const sparse = await toSparseModel(model, { minSparsity: 0.5 });
    const fused = (await toFusedModel(sparse))!;
    expect(fused.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'PrunekitSparseConv2D',
      'Flatten',
      'PrunekitSparseDense',
    ]);
    expect(fused.getLayer('c').getConfig().activation).toBe('relu6');
    const x = tf.tidy(() => tf.mul(tf.randomNormal([2, 7, 7, 3], 0, 1, 'float32', 4), 3));
    const probe = tfl.model({ inputs: model.inputs, outputs: r });
    const mid = probe.predict(x) as tf.Tensor;
    expect(mid.dataSync().some((v) => v === 6)).toBe(true); // the clip at 6 is exercised
    const want = model.predict(x) as tf.Tensor;
    const got = fused.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-4);
    tf.dispose([x, mid, want, got]);
    for (const m of [model, sparse, fused]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
