import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../src/index.js';
import { analyzeChannels, removeChannels, zeroChannels } from '../src/structured/index.js';

describe('structured smoke', () => {
  it('prunes a residual conv net', async () => {
    const inp = tfl.input({ shape: [8, 8, 3], name: 'in' });
    const c1 = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'c1' }).apply(inp) as tfl.SymbolicTensor;
    const b1 = tfl.layers.batchNormalization({ name: 'bn1' }).apply(c1) as tfl.SymbolicTensor;
    const c2 = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'c2', activation: 'relu' }).apply(b1) as tfl.SymbolicTensor;
    const a = tfl.layers.add({ name: 'add' }).apply([b1, c2]) as tfl.SymbolicTensor;
    const d = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw' }).apply(a) as tfl.SymbolicTensor;
    const f = tfl.layers.flatten({ name: 'flat' }).apply(d) as tfl.SymbolicTensor;
    const o = tfl.layers.dense({ units: 3, name: 'out' }).apply(f) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: inp, outputs: o });
    model.setWeights(model.weights.map((w) => tf.tidy(() => w.originalName.includes('variance') ? tf.randomUniform(w.shape, 0.5, 1.5) : tf.randomNormal(w.shape, 0, 0.5, 'float32', 1))));
    const graph = buildGraph(model);
    const an = analyzeChannels(graph);
    console.log(an.groups.map((g) => [g.id, g.size, g.members.length]), an.frozen);
    const removal = new Map([[an.groups[0].id, [1, 4]]]);
    const pruned = await removeChannels(an, removal);
    const zeroed = await zeroChannels(an, removal);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 3);
    const y1 = pruned.predict(x) as tf.Tensor;
    const y2 = zeroed.predict(x) as tf.Tensor;
    const y0 = model.predict(x) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(y1, y2))).dataSync()[0];
    const diff0 = tf.max(tf.abs(tf.sub(y1, y0))).dataSync()[0];
    console.log(pruned.countParams(), model.countParams(), diff, diff0);
    expect(diff).toBeLessThan(1e-4);
  });
});
