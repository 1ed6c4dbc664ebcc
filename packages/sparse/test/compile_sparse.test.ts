import '@tensorflow/tfjs-backend-cpu';
import { InvalidArgumentError, createRng } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSparse, registerCpuSparseKernels, toSparseModel } from '../src/index.js';

function prunedNet(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(
    tfl.layers.conv2d({
      inputShape: [8, 8, 3],
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name: 'c1',
    }),
  );
  m.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'p1' }));
  m.add(tfl.layers.flatten({ name: 'flat' }));
  m.add(tfl.layers.dense({ units: 16, activation: 'relu', name: 'd1' }));
  m.add(tfl.layers.dropout({ rate: 0.5, name: 'drop' }));
  m.add(tfl.layers.dense({ units: 4, activation: 'softmax', name: 'out' }));
  const rng = createRng(11);
  for (const layer of m.layers) {
    const ws = layer.getWeights();
    if (!ws.length) continue;
    const pruned = ws.map((w, i) =>
      tf.tensor(
        Float32Array.from(w.dataSync(), (v) => (i === 0 && rng.next() < 0.85 ? 0 : v + 0.05)),
        w.shape,
      ),
    );
    layer.setWeights(pruned);
    tf.dispose(pruned);
  }
  return m;
}

describe('compileSparse', () => {
  beforeAll(async () => {
    registerCpuSparseKernels();
    await tf.setBackend('cpu');
  });

  it('matches model.predict for the sparse and the dense model, batch 1 and 3, without leaks', async () => {
    expect(tf.getBackend()).toBe('cpu');
    const dense = prunedNet();
    const sparse = await toSparseModel(dense, { minSparsity: 0.5 });
    for (const model of [dense, sparse]) {
      const run = compileSparse(model);
      expect(run.layers).toContain('drop');
      for (const batch of [1, 3]) {
        const x = tf.randomUniform([batch, 8, 8, 3], -1, 1, 'float32', batch);
        const want = model.predict(x) as tf.Tensor;
        const before = tf.memory().numTensors;
        const got = run.predict(x);
        expect(tf.memory().numTensors).toBe(before + 1);
        expect(got.shape).toEqual(want.shape);
        const a = got.dataSync();
        const b = want.dataSync();
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-6);
        tf.dispose([x, want, got]);
      }
    }
    sparse.dispose();
    dense.dispose();
  });

  it('rejects a model that is not a chain, naming the layer', () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 4, name: 'a' }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 4, name: 'b' }).apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: sum });
    expect(() => compileSparse(model)).toThrow(InvalidArgumentError);
    expect(() => compileSparse(model)).toThrow(/'b'|'sum'/);
    model.dispose();
  });
});
