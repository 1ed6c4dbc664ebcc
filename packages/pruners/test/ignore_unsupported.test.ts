import { UnsupportedLayerError } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelPruner } from '../src/index.js';

/** tokens → Embedding (no spec: indexed by token) → Conv1D → GAP → Dense. */
function tokenModel(): tfl.LayersModel {
  const x = tfl.input({ shape: [10], dtype: 'int32' });
  const e = tfl.layers.embedding({ name: 'emb', inputDim: 50, outputDim: 16 }).apply(x) as tfl.SymbolicTensor;
  const c = tfl.layers
    .conv1d({ name: 'c1', filters: 12, kernelSize: 3, activation: 'relu' })
    .apply(e) as tfl.SymbolicTensor;
  const g = tfl.layers.globalAveragePooling1d({ name: 'gap' }).apply(c) as tfl.SymbolicTensor;
  const o = tfl.layers.dense({ name: 'out', units: 3 }).apply(g) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: o });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe("ignore: ['emb'] on a layer class prunekit has no spec for", () => {
  it('is what the refusal suggests, and it works: the graph builds, channels after it prune over several steps', async () => {
    const m = tokenModel();
    expect(() => buildGraph(m)).toThrow(UnsupportedLayerError);
    expect(() => buildGraph(m)).toThrow(/ignore: \['emb'\]/);
    const before = tf.memory().numTensors;
    const graph = buildGraph(m, { ignore: ['emb'] });
    expect(graph.node('emb').macs).toBe(0);
    expect(graph.node('c1').macs).toBeGreaterThan(0); // supported layers are built as usual
    const r = await channelPruner(graph, {
      scorer: magnitude(),
      ratio: 0.5,
      ignore: ['emb'],
      steps: 2,
    }).run();
    expect(r.model.getLayer('c1').getConfig().filters).toBeLessThan(12);
    expect(r.model.getLayer('emb').getWeights()[0].shape).toEqual([50, 16]); // the table untouched
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], [1, 10], 'int32');
    const y = r.model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 3]);
    tf.dispose([x, y]);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => buildGraph(m, { ignore: ['nope'] })).toThrow(/nope/);
    m.dispose();
  });
});
