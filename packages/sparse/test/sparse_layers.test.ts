import '@tensorflow/tfjs-backend-cpu';
import { NonFiniteError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { SparseDense, SparseFormatError, registerCpuSparseKernels, toSparseModel } from '../src/index.js';

function prune(layer: tfl.layers.Layer, keepEvery: number): void {
  const ws = layer.getWeights();
  const k = tf.tensor(
    Float32Array.from(ws[0].dataSync(), (v, i) => (i % keepEvery === 0 ? v : 0)),
    ws[0].shape,
  );
  layer.setWeights([k, ...ws.slice(1)]);
  k.dispose();
}

describe('sparse layers', () => {
  beforeAll(async () => {
    registerCpuSparseKernels();
    await tf.setBackend('cpu');
  });

  it('converts a functional model with a branch and keeps its outputs', async () => {
    expect(tf.getBackend()).toBe('cpu');
    const input = tfl.input({ shape: [6] });
    const a = tfl.layers
      .dense({ units: 8, activation: 'relu', name: 'a' })
      .apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers
      .dense({ units: 8, activation: 'tanh', name: 'b' })
      .apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 3, name: 'out' }).apply(sum) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    for (const name of ['a', 'b', 'out']) prune(model.getLayer(name), 4);
    const before = tf.memory().numTensors;
    const sparse = await toSparseModel(model, { minSparsity: 0.5 });
    expect(sparse.getLayer('b')).toBeInstanceOf(SparseDense);
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 3);
    const want = model.predict(x) as tf.Tensor;
    const got = sparse.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(want, got))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, want, got]);
    sparse.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('validates loaded weights once, before the first kernel runs, with typed errors', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 4, name: 'fc' })] });
    prune(model.getLayer('fc'), 3);
    const sparse = await toSparseModel(model, { minSparsity: 0.5 });
    const before = tf.memory().numTensors;
    const layer = sparse.getLayer('fc');
    const good = layer.getWeights().map((w) => w.clone());
    const x = tf.ones([1, 8]);
    const badIndex = good.map((w, i) => (i === 1 ? tf.fill(w.shape, 99, 'int32') : w.clone()));
    layer.setWeights(badIndex);
    expect(() => sparse.predict(x)).toThrow(SparseFormatError);
    const nan = good.map((w, i) => (i === 0 ? tf.fill(w.shape, Number.NaN) : w.clone()));
    layer.setWeights(nan);
    expect(() => sparse.predict(x)).toThrow(NonFiniteError);
    layer.setWeights(good);
    const y = sparse.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 4]);
    tf.dispose([x, y, ...good, ...badIndex, ...nan]);
    expect(tf.memory().numTensors).toBe(before);
    sparse.dispose();
    model.dispose();
  });
});
