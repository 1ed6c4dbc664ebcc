// Weight masks (unstructured, N:M, block) on a graph model's Const weights through @prunekit/pruners
// (the graph's weight store is a plain WeightStore), exported with each weight's input dtype:
// masked zeros stay exact zeros in float16 and re-quantized uint8, and the file runs in stock tfjs.
import { blockPruner, nmPruner, unstructuredPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import { randomGraphModel } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildGraphModelGraph,
  exportGraphModel,
  type GraphModelGraph,
  graphModelSource,
  toTfGraphModel,
  writeGraphModel,
} from '../src/index.js';
import { maxDiff, runAll } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

const kernels = (p: { role: string }) => p.role === 'kernel';
const size = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);
/** Kernels whose [out, in] view fits the pattern (out = last axis, in = the rest). */
const fitsNM = (p: { role: string; shape: readonly number[] }) =>
  kernels(p) && (size(p.shape) / p.shape[p.shape.length - 1]) % 4 === 0;
const fitsBlock = (p: { role: string; shape: readonly number[] }) =>
  kernels(p) && p.shape[p.shape.length - 1] % 2 === 0;

async function masked(dtype: 'float16' | 'uint8', prune: (g: GraphModelGraph) => Promise<unknown>) {
  const r = randomGraphModel(7, { fused: 'mixed', blocks: [3, 4] });
  const source = writeGraphModel(graphModelSource(r.json, r.weightData), [], { dtype });
  const graph = await buildGraphModelGraph(source);
  await prune(graph);
  const kept = exportGraphModel(graph);
  const float = exportGraphModel(graph, { dtype: 'float32' });
  // Every zero the masks wrote is an exact zero after encoding and decoding.
  let zeros = 0;
  for (const p of graph.params(kernels)) {
    const v = graph.weights.values(p.id);
    const back = kept.consts.get(graph.bindings.get(p.id)!.constName)!.values;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === 0) {
        zeros++;
        expect(back[i]).toBe(0);
      }
    }
  }
  const manifest = kept.json.weightsManifest.flatMap((g) => g.weights);
  expect(manifest.filter((w) => w.dtype === 'float32').every((w) => w.quantization?.dtype === dtype)).toBe(
    true,
  );
  const [mk, mf] = [await toTfGraphModel(kept), await toTfGraphModel(float)];
  const x = tf.randomUniform([...r.inputShape], -1, 1, 'float32', 3);
  const [yk, yf] = [await runAll(mk, x), await runAll(mf, x)];
  const diff = maxDiff(yk, yf);
  tf.dispose([x, ...yk, ...yf]);
  mk.dispose();
  mf.dispose();
  graph.dispose();
  return { zeros, diff };
}

describe('masks on graph-model weights', () => {
  it.each([
    [
      'unstructured 50%',
      (g: GraphModelGraph) => unstructuredPruner(g, { scorer: magnitude(), ratio: 0.5 }).step(),
    ],
    ['2:4', (g: GraphModelGraph) => nmPruner(g, { scorer: magnitude(), n: 2, m: 4, params: fitsNM }).step()],
    [
      'block [2, 1] 50%',
      (g: GraphModelGraph) =>
        blockPruner(g, { scorer: magnitude(), ratio: 0.5, block: [2, 1], params: fitsBlock }).step(),
    ],
  ] as const)(
    '%s: zeros survive float16 and uint8 export; the file runs and matches its float32 export',
    async (_, prune) => {
      const before = tf.memory().numTensors;
      for (const dtype of ['float16', 'uint8'] as const) {
        const r = await masked(dtype, prune);
        expect(r.zeros).toBeGreaterThan(0);
        // float16 re-encodes exactly; uint8 is re-quantized per tensor where zeros left the grid.
        expect(r.diff).toBeLessThan(dtype === 'float16' ? 1e-6 : 0.1);
      }
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
