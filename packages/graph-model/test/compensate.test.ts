// Mean compensation and the data-driven consumer-energy scorer: a removed channel whose output is
// constant is replaced exactly by the bias shift; compensated surgery equals the compensated masked
// original on random graphs; statistics match a direct computation; no tensor is left behind.
import { magnitude } from '@prunekit/scorers';
import { randomGraphModel } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  channelStats,
  consumerEnergy,
  contractedTensors,
  graphModelSource,
  meanCompensation,
  planChannelRemoval,
  removeGraphChannels,
  toTfGraphModel,
  zeroGraphChannels,
} from '../src/index.js';
import { maxDiff, runAll, useWasm } from './helpers.js';

beforeAll(useWasm);

const b64 = (s: string) => btoa(s);
const floatConst = (name: string, shape: number[]) => ({
  name,
  op: 'Const',
  attr: {
    dtype: { type: 'DT_FLOAT' },
    value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } },
  },
});
const fusedConv = (name: string, input: string, filter: string, bias: string, ops: string[]) => ({
  name,
  op: '_FusedConv2D',
  input: [input, filter, bias],
  attr: {
    T: { type: 'DT_FLOAT' },
    strides: { list: { i: ['1', '1', '1', '1'] } },
    padding: { s: b64('SAME') },
    data_format: { s: b64('NHWC') },
    dilations: { list: { i: ['1', '1', '1', '1'] } },
    explicit_paddings: { list: {} },
    num_args: { i: '1' },
    fused_ops: { list: { s: ops.map(b64) } },
    epsilon: { f: 0 },
  },
});

/**
 * x [1,4,4,3] → 1×1 conv + bias + relu (4 channels; channel 0 has a zero filter column and bias
 * 0.7, so it outputs 0.7 everywhere) → 1×1 conv + bias (2 channels).
 */
function constantChannelModel() {
  const rng = (i: number) => Math.sin(i * 12.9898) * 0.5;
  const w1 = Float32Array.from({ length: 3 * 4 }, (_, i) => (i % 4 === 0 ? 0 : rng(i + 1)));
  const b1 = Float32Array.from([0.7, 0.1, -0.2, 0.3]);
  const w2 = Float32Array.from({ length: 4 * 2 }, (_, i) => 0.3 + 0.1 * (i % 3));
  const b2 = Float32Array.from([0.05, -0.05]);
  const weights = [
    ['w1', [1, 1, 3, 4], w1],
    ['b1', [4], b1],
    ['w2', [1, 1, 4, 2], w2],
    ['b2', [2], b2],
  ] as const;
  const data = new Float32Array(weights.reduce((a, w) => a + w[2].length, 0));
  let at = 0;
  for (const w of weights) {
    data.set(w[2], at);
    at += w[2].length;
  }
  const json = {
    format: 'graph-model',
    modelTopology: {
      node: [
        {
          name: 'x',
          op: 'Placeholder',
          attr: {
            dtype: { type: 'DT_FLOAT' },
            shape: { shape: { dim: [-1, 4, 4, 3].map((d) => ({ size: String(d) })) } },
          },
        },
        ...weights.map(([n, s]) => floatConst(n, [...s])),
        fusedConv('c1', 'x', 'w1', 'b1', ['BiasAdd', 'Relu']),
        fusedConv('c2', 'c1', 'w2', 'b2', ['BiasAdd']),
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })),
      },
    ],
  };
  return graphModelSource(json, data.buffer, 'constant-channel');
}

async function outputsOn(source: ReturnType<typeof graphModelSource>, x: tf.Tensor): Promise<tf.Tensor[]> {
  const m = await toTfGraphModel(source);
  try {
    return await runAll(m, x);
  } finally {
    m.dispose();
  }
}

describe('mean compensation', () => {
  it('replaces a constant channel exactly; statistics and consumer-energy scores agree with it', async () => {
    const before = tf.memory().numTensors;
    const dense = constantChannelModel();
    const graph = await buildGraphModelGraph(dense);
    const analysis = analyzeGraphChannels(graph);
    expect(contractedTensors(graph)).toEqual(['x', 'c1']);
    const inputs = tf.randomUniform([3, 4, 4, 3], -1, 1, 'float32', 7);
    const stats = await channelStats(dense, inputs, ['c1']);
    const s = stats.get('c1')!;
    expect(s.mean[0]).toBeCloseTo(0.7, 5);
    expect(s.meanSquare[0]).toBeCloseTo(0.49, 5);
    // Direct computation of channel 1's mean.
    const m = await toTfGraphModel(dense);
    const direct = tf.tidy(() => tf.mean(m.execute(inputs, 'c1') as tf.Tensor, [0, 1, 2]).dataSync()[1]);
    m.dispose();
    expect(s.mean[1]).toBeCloseTo(direct, 5);

    // The scorer ranks the constant channel lowest (zero variance), so a 25% plan removes it.
    const removal = await planChannelRemoval(analysis, { scorer: consumerEnergy(graph, stats), ratio: 0.25 });
    const group = analysis.groups.find((g) => g.roots.includes('c1'))!;
    expect(removal.get(group.id)).toEqual([0]);

    const comp = meanCompensation(analysis, removal, stats);
    expect(comp.uncompensated).toEqual([]);
    const x = tf.randomUniform([1, 4, 4, 3], -1, 1, 'float32', 9);
    const ref = await outputsOn(dense, x);
    const plain = await outputsOn(removeGraphChannels(analysis, removal), x);
    const fixed = await outputsOn(removeGraphChannels(analysis, removal, { biasShift: comp.biasShift }), x);
    expect(maxDiff(ref, plain)).toBeGreaterThan(0.1);
    expect(maxDiff(ref, fixed)).toBeLessThan(1e-5);
    tf.dispose([inputs, x, ...ref, ...plain, ...fixed]);
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('compensated surgery equals the compensated masked original on random fused graphs', async () => {
    const before = tf.memory().numTensors;
    let shifted = 0;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const seed of seeds) {
      const r = randomGraphModel(seed, { fused: true, blocks: [2, 4] });
      const dense = graphModelSource(r.json, r.weightData, `random-${seed}`);
      const graph = await buildGraphModelGraph(dense);
      const analysis = analyzeGraphChannels(graph);
      const inputs = tf.randomUniform([4, ...r.inputShape.slice(1)], -1, 1, 'float32', seed);
      const stats = await channelStats(dense, inputs, contractedTensors(graph));
      const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio: 0.4 });
      const { biasShift } = meanCompensation(analysis, removal, stats);
      const x = tf.slice(inputs, [0], [1]);
      shifted += biasShift.size;
      const [cut, masked] = await Promise.all([
        outputsOn(removeGraphChannels(analysis, removal, { biasShift }), x),
        outputsOn(zeroGraphChannels(analysis, removal, { biasShift, dtype: 'float32' }), x),
      ]);
      expect(maxDiff(cut, masked), `seed ${seed}`).toBeLessThan(1e-4);
      tf.dispose([inputs, x, ...cut, ...masked]);
      graph.dispose();
    }
    // The property is only worth something if shifts were applied. (Whether they bring a random
    // graph closer to its dense outputs is not asserted: on these 6×6 inputs most positions are
    // zero-padded borders of 3×3 convs, where the shift is not exact.)
    expect(shifted).toBeGreaterThan(3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
