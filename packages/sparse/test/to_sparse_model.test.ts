import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@prunekit/core';
import { loadModel, modelFileBytes, saveModel } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SparseConv2D,
  SparseDense,
  registerCpuSparseKernels,
  sparsePlan,
  timeSparseLayers,
  toSparseModel,
} from '../src/index.js';

/** A small conv net with magnitude-pruned kernels (seeded). */
function prunedNet(sparsity: number): tfl.LayersModel {
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
  m.add(
    tfl.layers.conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 1,
      padding: 'valid',
      activation: 'relu6',
      name: 'c2',
    }),
  );
  m.add(tfl.layers.flatten({ name: 'flat' }));
  m.add(tfl.layers.dense({ units: 16, activation: 'relu', name: 'd1' }));
  m.add(tfl.layers.dense({ units: 4, activation: 'softmax', name: 'out' }));
  const rng = createRng(5);
  for (const layer of m.layers) {
    const ws = layer.getWeights();
    if (!ws.length) continue;
    const pruned = ws.map((w, i) => {
      const d = Float32Array.from(w.dataSync(), (v) =>
        i === 0 && rng.next() < sparsity ? 0 : v + (i === 1 ? 0.1 : 0),
      );
      return tf.tensor(d, w.shape);
    });
    layer.setWeights(pruned);
    tf.dispose(pruned);
  }
  return m;
}

describe('toSparseModel', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    registerCpuSparseKernels();
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('converts the layers above minSparsity, keeps outputs, saves smaller and loads back', async () => {
    expect(tf.getBackend()).toBe('cpu');
    const dense = prunedNet(0.85);
    const before = tf.memory().numTensors;
    const plan = sparsePlan(dense, { minSparsity: 0.5 });
    expect(plan.map((d) => d.converted)).toEqual([true, true, true, true]);
    const sparse = await toSparseModel(dense, { minSparsity: 0.5, fusePooling: true });
    expect(sparse.getLayer('c1')).toBeInstanceOf(SparseConv2D);
    expect(sparse.getLayer('d1')).toBeInstanceOf(SparseDense);
    // p1 is folded into c1.
    expect(sparse.layers.map((l) => l.name)).toEqual(['c1', 'c2', 'flat', 'd1', 'out']);
    expect((sparse.getLayer('c1') as SparseConv2D).pool).toEqual([2, 2]);

    const x = tf.randomUniform([3, 8, 8, 3], -1, 1, 'float32', 9);
    const want = dense.predict(x) as tf.Tensor;
    const got = sparse.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(want, got))));
    expect(diff.dataSync()[0]).toBeLessThan(1e-5);

    const dir = mkdtempSync(join(tmpdir(), 'prunekit-sparse-'));
    dirs.push(dir);
    await saveModel(dense, join(dir, 'dense'));
    await saveModel(sparse, join(dir, 'sparse'));
    const ratio = (await modelFileBytes(join(dir, 'dense'))) / (await modelFileBytes(join(dir, 'sparse')));
    expect(ratio).toBeGreaterThan(1.5);
    const loaded = await loadModel(join(dir, 'sparse'));
    const again = loaded.predict(x) as tf.Tensor;
    expect(Array.from(again.dataSync())).toEqual(Array.from(got.dataSync()));
    tf.dispose([x, want, got, diff, again]);
    loaded.dispose();
    sparse.dispose();
    expect(tf.memory().numTensors).toBe(before);
    dense.dispose();
  });

  it('converts the layers inside a nested model (a backbone used as a layer): flat output, same values', async () => {
    const before = tf.memory().numTensors;
    const backbone = prunedNet(0.85); // a Sequential, used as one layer of a classifier
    const x0 = tfl.input({ shape: [8, 8, 3], name: 'image' });
    const feats = backbone.apply(x0) as tfl.SymbolicTensor;
    const head = tfl.layers.dense({ units: 2, name: 'head' }).apply(feats) as tfl.SymbolicTensor;
    const outer = tfl.model({ inputs: x0, outputs: head, name: 'outer' });
    expect(
      sparsePlan(outer)
        .filter((d) => d.converted)
        .map((d) => d.layer),
    ).toEqual(['c1', 'c2', 'd1', 'out']);
    const sparse = await toSparseModel(outer);
    expect(sparse.getLayer('c2')).toBeInstanceOf(SparseConv2D);
    expect(sparse.layers.some((l) => l.name === 'sequential' || l.getClassName() === 'Sequential')).toBe(
      false,
    );
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 3);
    const want = outer.predict(x) as tf.Tensor;
    const got = sparse.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(want, got))));
    expect(diff.dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, want, got, diff]);
    sparse.dispose();
    outer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('folds the pool layer by default, keeps it with fusePooling: false, same outputs', async () => {
    const dense = prunedNet(0.85);
    const a = await toSparseModel(dense, { fusePooling: false });
    const b = await toSparseModel(dense);
    expect(a.layers.length).toBe(b.layers.length + 1);
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 4);
    const ya = a.predict(x) as tf.Tensor;
    const yb = b.predict(x) as tf.Tensor;
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
    dense.dispose();
  });

  it('keeps layers below minSparsity dense', () => {
    const dense = prunedNet(0.2);
    const plan = sparsePlan(dense, { minSparsity: 0.5 });
    expect(plan.every((d) => !d.converted && d.reason.includes('kept dense'))).toBe(true);
    dense.dispose();
  });
});

describe('timeSparseLayers and toSparseModel({ only })', () => {
  it('times each candidate dense and sparse (a fusable pool with its conv), and only converts the named layers', async () => {
    await tf.setBackend('cpu');
    registerCpuSparseKernels();
    expect(tf.getBackend()).toBe('cpu');
    const start = tf.memory().numTensors;
    const m = prunedNet(0.8);
    const n0 = tf.memory().numTensors;
    const timed = await timeSparseLayers(m, { minSparsity: 0.2, reps: 3 });
    expect(tf.memory().numTensors).toBe(n0);
    expect(timed.map((t) => t.layer)).toEqual(['c1', 'c2', 'd1', 'out']);
    expect(timed.map((t) => t.pool)).toEqual(['p1', undefined, undefined, undefined]);
    for (const t of timed) {
      expect(t.denseMs).toBeGreaterThan(0);
      expect(t.sparseMs).toBeGreaterThan(0);
      expect(t.faster).toBe(t.sparseMs < t.denseMs);
    }
    const only = await toSparseModel(m, { only: ['c2'] });
    expect(only.layers.map((l) => l.getClassName())).toEqual([
      'Conv2D',
      'MaxPooling2D',
      SparseConv2D.className,
      'Flatten',
      'Dense',
      'Dense',
    ]);
    expect(timed.map((t) => t.sparsity).every((v) => v > 0.7)).toBe(true);
    expect(sparsePlan(m, { only: ['c2'] }).find((d) => d.layer === 'd1')?.reason).toMatch(/not in 'only'/);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 2);
    const a = m.predict(x) as tf.Tensor;
    const b = only.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    only.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
