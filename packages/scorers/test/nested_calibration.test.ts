// Calibration statistics on a nested model (a backbone used as one layer): activations and
// gradients are recorded for the layers inside the backbone as for the outer ones.
import '@tensorflow/tfjs-backend-cpu';
import { buildGraph } from '@prunekit/layers';
import { seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { apoz, calibrate, meanActivation, taylor } from '../src/index.js';

type T = tfl.SymbolicTensor;

function classifier(): tfl.LayersModel {
  const bi = tfl.input({ shape: [6, 6, 3], name: 'backbone_in' });
  const c = tfl.layers
    .conv2d({ name: 'b_c1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' })
    .apply(bi) as T;
  const backbone = tfl.model({
    inputs: bi,
    outputs: tfl.layers.conv2d({ name: 'b_c2', filters: 5, kernelSize: 1 }).apply(c) as T,
    name: 'backbone',
  });
  const x = tfl.input({ shape: [6, 6, 3], name: 'image' });
  const g = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(backbone.apply(x) as T) as T;
  const m = tfl.model({
    inputs: x,
    outputs: tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax' }).apply(g) as T,
  });
  seedWeights(m, 2);
  return m;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('calibration through a nested backbone', () => {
  it('records activation statistics and gradients of the backbone layers', async () => {
    const m = classifier();
    const before = tf.memory().numTensors;
    const graph = buildGraph(m);
    const x = tf.randomNormal([4, 6, 6, 3], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3));
    const stats = await calibrate(graph, [apoz(), meanActivation(), taylor()], [{ x, y }]);
    expect([...stats.meanActivation!.keys()]).toEqual(expect.arrayContaining(['b_c1', 'b_c2', 'gap', 'out']));
    expect(stats.apoz!.get('b_c1')!.length).toBe(4);
    expect(stats.meanActivation!.get('b_c2')!.some((v) => v > 0)).toBe(true);
    const g = stats.gradients!.get('b_c1/kernel')!;
    expect(g.length).toBe(3 * 3 * 3 * 4);
    expect(g.some((v) => v !== 0)).toBe(true);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
