// The pruners on a nested model (a pretrained-style backbone inside a classifier): channels and
// weights inside the backbone prune like any other layer's, and ignore: ['backbone'] freezes it.
import { buildGraph, modelVariables } from '@prunekit/layers';
import { magnitude } from '@prunekit/scorers';
import { seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelPruner, unstructuredPruner } from '../src/index.js';

type T = tfl.SymbolicTensor;
const L = tfl.layers;

/** input → backbone (conv → bn → relu → conv) → gap → dense. */
function classifier(): tfl.LayersModel {
  const bi = tfl.input({ shape: [8, 8, 3], name: 'backbone_in' });
  const a = L.reLU({ name: 'b_relu' }).apply(
    L.batchNormalization({ name: 'b_bn' }).apply(
      L.conv2d({ name: 'b_c1', filters: 8, kernelSize: 3, padding: 'same' }).apply(bi),
    ),
  ) as T;
  const backbone = tfl.model({
    inputs: bi,
    outputs: L.conv2d({ name: 'b_c2', filters: 8, kernelSize: 3, padding: 'same' }).apply(a) as T,
    name: 'backbone',
  });
  const x = tfl.input({ shape: [8, 8, 3], name: 'image' });
  const g = L.globalAveragePooling2d({ name: 'gap' }).apply(backbone.apply(x) as T) as T;
  const m = tfl.model({
    inputs: x,
    outputs: L.dense({ name: 'logits', units: 3 }).apply(g) as T,
    name: 'classifier',
  });
  seedWeights(m, 5);
  return m;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('pruning through a nested backbone', () => {
  it('channelPruner removes backbone channels over two steps; ignore: [backbone] keeps them', async () => {
    const before = tf.memory().numTensors;
    const m = classifier();
    const r = await channelPruner(buildGraph(m), { scorer: magnitude(), ratio: 0.5, steps: 2 }).run();
    expect(r.model.getLayer('b_c1').getConfig().filters).toBe(4);
    expect(r.model.getLayer('b_c2').getConfig().filters).toBe(4);
    r.model.dispose();
    const kept = await channelPruner(buildGraph(m), {
      scorer: magnitude(),
      ratio: 0.5,
      steps: 2,
      ignore: ['backbone'],
    }).run();
    expect(kept.model.getLayer('b_c1').getConfig().filters).toBe(8);
    kept.model.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('unstructuredPruner masks backbone kernels in place in the nested model', async () => {
    const before = tf.memory().numTensors;
    const m = classifier();
    const res = await unstructuredPruner(buildGraph(m), { scorer: magnitude(), ratio: 0.6 }).step();
    expect([...res.masks!.keys()].sort()).toEqual(['b_c1/kernel', 'b_c2/kernel', 'logits/kernel']);
    const w = modelVariables(m).get('b_c2/kernel')!.read().dataSync();
    const zeros = w.filter((v) => v === 0).length;
    expect(Math.abs(zeros - 0.6 * w.length)).toBeLessThanOrEqual(1);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
