import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, maskLowest } from '@prunekit/core';
import { analyzeChannels, buildGraph } from '@prunekit/layers';
import { expectNoLeaks } from '@prunekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { fineTune, groupLasso, groupNorms, modelParams } from '../src/index.js';
import { setSeededWeights, useCpu } from './helpers.js';

beforeAll(useCpu);

/** conv(4) → BN → relu → conv(6) → GAP → dense(3): small enough for the cpu backend's conv gradients. */
function tinyCnn(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }));
  m.add(tfl.layers.batchNormalization({ name: 'bn1' }));
  m.add(tfl.layers.activation({ activation: 'relu', name: 'r1' }));
  m.add(tfl.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', name: 'c2' }));
  m.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tfl.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  setSeededWeights(m, 3);
  return m;
}

function cnnData(n: number) {
  const rng = createRng(8);
  const xs = Float32Array.from({ length: n * 72 }, () => rng.normal());
  const labels = Int32Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < 36; j++) s += xs[i * 72 + j * 2];
    return s > 2 ? 0 : s < -2 ? 1 : 2;
  });
  return tf.tidy(() => ({ x: tf.tensor4d(xs, [n, 6, 6, 2]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) }));
}

describe('fineTune on a small CNN built with @prunekit/layers', () => {
  it('keeps graph-built masks, updates BatchNorm statistics, and group lasso zeroes whole channel groups', async () => {
    const model = tinyCnn();
    const data = cnnData(32);
    const graph = buildGraph(model);
    const kernel = graph.param('c2/kernel');
    const masks = new Map([
      [
        'c2/kernel',
        maskLowest(kernel.shape, Float32Array.from(graph.weights.values('c2/kernel'), Math.abs), 100),
      ],
    ]);
    const groups = analyzeChannels(graph).groups;
    const g2 = groups.find((g) => g.roots.includes('c2'))!; // c2's channels: its kernel, bias and the dense rows after GAP
    expect(g2).toBeDefined();
    const vars = () => new Map(modelParams(model).map((p) => [p.id, p.variable]));
    const zeroShare = () => {
      const norms = groupNorms(vars(), [g2]).get(g2.id)!;
      return norms.filter((v) => v < 1e-3).length / norms.length;
    };
    const mean0 = Array.from(graph.weights.values('bn1/moving_mean'));
    expect(zeroShare()).toBe(0);
    await expectNoLeaks(() =>
      fineTune(model, data, {
        epochs: 4,
        batchSize: 16,
        optimizer: 'sgd',
        lr: 0.1,
        masks,
        graph,
        regularizer: groupLasso({ groups: [g2], lambda: 2, proximal: true }),
        verbose: 0,
      }),
    );
    expect(zeroShare()).toBeGreaterThan(0);
    const w = graph.weights.values('c2/kernel');
    const m = masks.get('c2/kernel')!;
    for (let i = 0; i < w.length; i++) if (m.data[i] === 0) expect(w[i]).toBe(0);
    expect(Array.from(graph.weights.values('bn1/moving_mean'))).not.toEqual(mean0);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
});
