import { createRng, InvalidArgumentError, UnknownLayerError } from '@prunekit/core';
import { cnnModel, expectNoLeaks, mlpModel } from '@prunekit/test-utils';
import { modelVariables } from '@prunekit/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterModel, keepClustersCallback, kmeans1d, tieToClusters } from '../src/index.js';
import { inputs, pruneKernels, tf, useCpu, weightValues } from './helpers.js';

beforeAll(useCpu);

const distinctNonzero = (v: Float32Array) => new Set(Array.from(v).filter((x) => x !== 0)).size;

describe('kmeans1d', () => {
  it('finds well separated clusters, same seed → same centroids, ≤ k centroids', () => {
    const rng = createRng(3);
    const values = Float32Array.from({ length: 300 }, (_, i) => [-5, 0.5, 9][i % 3] + 0.01 * rng.normal());
    const a = kmeans1d(values, 3, createRng(1));
    const b = kmeans1d(values, 3, createRng(1));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(a.centroids.length).toBe(3);
    expect(Array.from(a.centroids).map((c) => Math.round(c * 10) / 10)).toEqual([-5, 0.5, 9]);
    expect(kmeans1d(new Float32Array([1, 1, 2]), 8, createRng(0)).centroids.length).toBe(2);
  });

  it('refuses k < 1, k > 65536 and non-integer k', () => {
    const v = new Float32Array([1, 2]);
    for (const k of [0, -1, 65537, 2.5, Number.NaN])
      expect(() => kmeans1d(v, k, createRng(0))).toThrow(InvalidArgumentError);
    expect(kmeans1d(v, 65536, createRng(0)).centroids.length).toBe(2);
  });
});

describe('clusterModel', () => {
  it('≤ k distinct nonzero values per kernel, exact zeros exactly where pruned, biases untouched', async () => {
    const model = cnnModel({ seed: 2, filters: [6, 8] });
    pruneKernels(model, 0.6);
    const before = weightValues(model);
    await expectNoLeaks(() => clusterModel(model, { k: 4, seed: 1 }), 'clusterModel');
    const after = weightValues(model);
    for (const [id, v] of after) {
      const old = before.get(id) as Float32Array;
      if (!/kernel$/.test(id)) {
        expect(Array.from(v)).toEqual(Array.from(old));
        continue;
      }
      expect(distinctNonzero(v)).toBeLessThanOrEqual(4);
      for (let i = 0; i < v.length; i++) expect(v[i] === 0).toBe(old[i] === 0);
    }
    model.dispose();
  });

  it('per-layer k and seeded determinism', () => {
    const a = mlpModel({ seed: 3 });
    const b = mlpModel({ seed: 3 });
    const ca = clusterModel(a, { k: { default: 8, dense1: 2 }, seed: 5 });
    const cb = clusterModel(b, { k: { default: 8, dense1: 2 }, seed: 5 });
    expect(ca.get('dense1/kernel')?.centroids.length).toBe(2);
    expect(ca.get('dense2/kernel')?.centroids.length).toBe(8);
    for (const [id, w] of ca)
      expect(Array.from(w.centroids)).toEqual(Array.from(cb.get(id)?.centroids ?? []));
    a.dispose();
    b.dispose();
  });

  it('bad k or an unknown layer name leaves the model untouched', () => {
    const model = mlpModel({ seed: 4 });
    const before = weightValues(model);
    expect(() => clusterModel(model, { k: 0 })).toThrow(InvalidArgumentError);
    expect(() => clusterModel(model, { k: 65537 })).toThrow(InvalidArgumentError);
    expect(() => clusterModel(model, { k: { default: 4, logits: 70000 } })).toThrow(/logits/);
    expect(() => clusterModel(model, { k: { default: 4, nope: 3 } })).toThrow(UnknownLayerError);
    for (const [id, v] of weightValues(model))
      expect(Array.from(v)).toEqual(Array.from(before.get(id) ?? []));
    model.dispose();
  });
});

describe('training with tied clusters', () => {
  it('model.fit with keepClustersCallback keeps ≤ k values per kernel and the pruned zeros, and learns', async () => {
    const model = mlpModel({ seed: 6, inputDim: 6, units: [12], outputs: 3 });
    pruneKernels(model, 0.5);
    const zerosBefore = weightValues(model);
    const clustering = clusterModel(model, { k: 3, seed: 2 });
    const start = weightValues(model);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const x = inputs([64, 6], 1);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const before = tf.memory().numTensors;
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 16,
      verbose: 0,
      shuffle: false,
      callbacks: [keepClustersCallback(model, clustering)],
    });
    expect(tf.memory().numTensors).toBe(before);
    const end = weightValues(model);
    let moved = false;
    for (const [id, v] of end) {
      if (!/kernel$/.test(id)) continue;
      expect(distinctNonzero(v)).toBeLessThanOrEqual(3);
      const z = zerosBefore.get(id) as Float32Array;
      for (let i = 0; i < v.length; i++) if (z[i] === 0) expect(v[i]).toBe(0);
      if (Array.from(v).some((a, i) => a !== start.get(id)?.[i])) moved = true;
      // Every weight still equals its cluster's centroid.
      const w = clustering.get(id);
      for (let i = 0; i < v.length; i++) {
        const c = w?.codes[i] ?? 0;
        expect(v[i]).toBe(c === 0 ? 0 : w?.centroids[c - 1]);
      }
    }
    expect(moved).toBe(true);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });

  it('one SGD step + tieToClusters moves each centroid by −lr · (mean gradient of its members)', async () => {
    const model = mlpModel({ seed: 8, inputDim: 4, units: [5], outputs: 2 });
    const clustering = clusterModel(model, { k: 3, seed: 1, select: (id) => id === 'dense1/kernel' });
    const w = clustering.get('dense1/kernel');
    if (!w) throw new Error('not clustered');
    const c0 = Float64Array.from(w.centroids);
    const x = inputs([8, 4], 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1], 'int32'), 2);
    const variable = modelVariables(model).get('dense1/kernel')?.read() as tf.Variable;
    const lr = 0.1;
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(model.predict(x) as tf.Tensor)), -1))) as tf.Scalar,
        [variable],
      );
      const g = grads[variable.name].dataSync();
      const stepped = tf.tidy(() => tf.sub(variable, tf.mul(grads[variable.name], lr)));
      variable.assign(stepped);
      tf.dispose([value, stepped, ...Object.values(grads)]);
      tieToClusters(model, clustering);
      const sum = new Float64Array(c0.length);
      const count = new Float64Array(c0.length);
      for (let i = 0; i < g.length; i++) {
        sum[w.codes[i] - 1] += g[i];
        count[w.codes[i] - 1]++;
      }
      for (let c = 0; c < c0.length; c++)
        expect(w.centroids[c]).toBeCloseTo(c0[c] - (lr * sum[c]) / count[c], 5);
    }, 'tie step');
    tf.dispose([x, y]);
    model.dispose();
  });
});
