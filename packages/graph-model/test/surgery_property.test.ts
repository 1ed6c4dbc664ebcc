// Property: on seeded random graph models (fused and unfused, float32 / float16 / uint8 weights),
// removing random channels of every prunable group gives a stock graph model whose outputs equal
// the masked original's (same channels' weights zeroed) within 1e-4.
import { createRng } from '@prunekit/core';
import { randomGraphModel } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  graphModelSource,
  removeGraphChannels,
  toTfGraphModel,
  writeGraphModel,
  zeroGraphChannels,
} from '../src/index.js';
import { maxDiff, runAll } from './helpers.js';
import { RANDOM_GRAPH_OPS } from './op_lists.js';

const GRAPHS = 120;
const DTYPES = ['float32', 'float16', 'uint8', 'keep'] as const;
const OP_LIST = RANDOM_GRAPH_OPS;

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('graph-model surgery == masked original on random graphs', () => {
  it(`${GRAPHS} random graphs, every op of the list covered, fused activations all seen`, async () => {
    const before = tf.memory().numTensors;
    const seen = new Set<string>();
    const kinds = new Set<string>();
    let pruned = 0;
    const failures: string[] = [];
    for (let seed = 0; seed < GRAPHS; seed++) {
      const fused = seed % 3 === 0 ? true : seed % 3 === 1 ? false : 'mixed';
      const r = randomGraphModel(seed, { fused });
      for (const op of r.ops) seen.add(op);
      for (const k of r.blocks) kinds.add(k);
      const dtype = DTYPES[seed % DTYPES.length];
      const float = graphModelSource(r.json, r.weightData, `random graph #${seed}`);
      const source = dtype === 'keep' ? float : writeGraphModel(float, [], { dtype });
      const graph = await buildGraphModelGraph(source);
      const analysis = analyzeGraphChannels(graph);
      const rng = createRng(seed + 1000);
      const removal = new Map<string, number[]>();
      for (const g of analysis.groups) {
        const n = Math.min(g.size - 1, Math.floor(g.size * (0.2 + 0.4 * rng.next())));
        if (n <= 0) continue;
        const order = [...Array(g.size).keys()].sort(() => rng.next() - 0.5);
        removal.set(
          g.id,
          order.slice(0, n).sort((a, b) => a - b),
        );
      }
      if (removal.size > 0) pruned++;
      const small = removeGraphChannels(analysis, removal);
      const masked = zeroGraphChannels(analysis, removal, { dtype: 'float32' });
      graph.dispose();
      const [ms, mm] = [await toTfGraphModel(small), await toTfGraphModel(masked)];
      const x = tf.randomUniform([...r.inputShape], -1, 1, 'float32', seed);
      const [ys, ym] = [await runAll(ms, x), await runAll(mm, x)];
      const d = maxDiff(ys, ym);
      if (!(d < 1e-4)) failures.push(`#${seed} (${dtype}) ${r.blocks.join(' ')}: max diff ${d}`);
      tf.dispose([x, ...ys, ...ym]);
      ms.dispose();
      mm.dispose();
    }
    expect(failures).toEqual([]);
    expect(pruned).toBeGreaterThan(GRAPHS * 0.9);
    expect(OP_LIST.filter((op) => !seen.has(op))).toEqual([]);
    for (const act of ['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Prelu', 'Sigmoid']) {
      expect([...kinds].filter((k) => k.endsWith(`:fused:${act}`)).length, `fused ${act}`).toBeGreaterThan(0);
      expect([...kinds].filter((k) => new RegExp(`^[a-z-]+:${act}$`).test(k)).length, act).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
