// The export, measure, report and MACs-target stages the CLI and the examples share.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeMetrics, writeMasks } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import { magnitude } from '@prunekit/scorers';
import { cnnModel, seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batch1Latency, pruneStage, structuredToMacs, unstructuredSection } from '../src/index.js';
import { baseEnv, exportStage } from '../src/node.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

const pruner = { scorer: magnitude({ p: 2 }), scope: 'global' as const, roundTo: 1, seed: 0 };

describe('pipeline stages', () => {
  it('structuredToMacs returns the smallest bisected ratio that reaches the target', async () => {
    const dense = cnnModel({ filters: [8, 16] });
    seedWeights(dense, 3);
    const denseMacs = computeMetrics(buildGraph(dense)).macs;
    const before = tf.memory().numTensors;
    const res = await structuredToMacs(dense, { target: 2, pruner, tolerance: 0.02 });
    const macs = computeMetrics(buildGraph(res.model)).macs;
    expect(res.reduction).toBeCloseTo(denseMacs / macs, 10);
    expect(res.reduction).toBeGreaterThanOrEqual(2);
    // 0.02 less of a ratio falls short of the target: the search stopped at the boundary.
    const lower = await structuredToMacs(dense, {
      target: 2,
      pruner,
      lo: 0.05,
      hi: res.ratio - 0.02,
      tolerance: 0.5,
    });
    expect(lower.reduction).toBeLessThan(2);
    lower.model.dispose();
    res.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    dense.dispose();
  });

  it('structuredToMacs returns the model at hi, said by its reduction, when the target is out of reach', async () => {
    const dense = cnnModel();
    const before = tf.memory().numTensors;
    const res = await structuredToMacs(dense, { target: 1e6, pruner, hi: 0.5 });
    expect(res.ratio).toBe(0.5);
    expect(res.reduction).toBeLessThan(1e6);
    res.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    dense.dispose();
  });

  it('exportStage writes the model and reads its size; batch1Latency times every model on one sample', async () => {
    const model = cnnModel();
    const dir = join(mkdtempSync(join(tmpdir(), 'stages-')), 'm');
    const size = await exportStage(model, dir);
    const m = computeMetrics(buildGraph(model));
    expect(size).toMatchObject({
      params: m.params,
      nonzeroParams: m.nonzero,
      macs: m.macs,
      effectiveMacs: m.sparseMacs,
    });
    expect(readdirSync(dir).sort()).toContain('model.json');
    expect(size.fileBytes).toBeGreaterThan(4 * m.params);
    const x = tf.randomUniform([5, 8, 8, 3], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const lat = batch1Latency([model, model], x, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(lat).toHaveLength(2);
    for (const l of lat) {
      expect(l.reps).toBe(3);
      expect(l.medianMs).toBeGreaterThan(0);
      expect(l.p99Ms).toBeGreaterThanOrEqual(l.medianMs);
    }
    expect(x.shape).toEqual([5, 8, 8, 3]);
    x.dispose();
    model.dispose();
    expect(baseEnv('cpu')).toMatchObject({ node: process.version, backend: 'cpu' });
  });

  it('structuredToMacs refuses a ratio range outside 0 < lo < hi < 1, naming both ends', async () => {
    const dense = cnnModel();
    await expect(structuredToMacs(dense, { target: 2, pruner, lo: 0.6, hi: 0.2 })).rejects.toThrow(
      /ratio range \[lo, hi\].*got \[0\.6, 0\.2\]/,
    );
    dense.dispose();
  });

  it('pruneStage prunes the layers named in ratios to their own sparsity, the rest to the level', async () => {
    const dense = cnnModel({ filters: [8, 16] });
    seedWeights(dense, 5);
    const kernels = buildGraph(dense).params((p) => p.prunable);
    const named = kernels[0].node;
    const before = tf.memory().numTensors;
    const section = unstructuredSection.parse({ scorer: { name: 'magnitude' }, scope: 'local' });
    const { model } = await pruneStage({
      dense,
      method: 'unstructured',
      section,
      level: 0.8,
      ratios: { [named]: 0.25 },
      seed: 0,
      baseDir: '.',
    });
    const g = buildGraph(model);
    const zeros = (id: string) => {
      const v = g.weights.values(id);
      return v.filter((x) => x === 0).length / v.length;
    };
    for (const p of g.params((q) => q.prunable)) {
      expect(zeros(p.id)).toBeCloseTo(p.node === named ? 0.25 : 0.8, 1);
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    dense.dispose();
  });

  it('pruneStage with a lotteryTicket schedule prunes 1 − (1 − level)^(r/steps) a round and rewinds the survivors to the dense weights before each fine-tune', async () => {
    const dense = cnnModel({ filters: [8, 16] });
    seedWeights(dense, 7);
    const denseGraph = buildGraph(dense);
    const denseValues = new Map(denseGraph.params().map((p) => [p.id, denseGraph.weights.values(p.id)]));
    const before = tf.memory().numTensors;
    /** Per round: the kernels' sparsity and whether every weight equals its dense value or is 0. */
    const run = async (schedule: object) => {
      const seen: { sparsity: number; rewound: boolean }[] = [];
      const section = unstructuredSection.parse({ scorer: { name: 'magnitude' }, steps: 3, schedule });
      const { model } = await pruneStage({
        dense,
        method: 'unstructured',
        section,
        level: 0.875,
        seed: 0,
        baseDir: '.',
        // A stand-in for fine-tuning: every surviving weight moves by +1.
        tune: async (_model, _round, masks, graph) => {
          let zeros = 0;
          let total = 0;
          let rewound = true;
          for (const p of graph!.params()) {
            const v = graph!.weights.values(p.id);
            const d = denseValues.get(p.id)!;
            for (let i = 0; i < v.length; i++) if (v[i] !== 0 && v[i] !== d[i]) rewound = false;
            if (p.prunable) {
              zeros += v.filter((x) => x === 0).length;
              total += v.length;
            }
            const moved = tf.tensor(
              v.map((x) => x + 1),
              [...p.shape],
            );
            graph!.weights.assign(p.id, moved);
            moved.dispose();
          }
          writeMasks(graph!.weights, masks!);
          seen.push({ sparsity: zeros / total, rewound });
        },
      });
      model.dispose();
      return seen;
    };
    const lottery = await run({ type: 'lotteryTicket' });
    expect(lottery.map((r) => r.sparsity)).toEqual([
      expect.closeTo(0.5, 2),
      expect.closeTo(0.75, 2),
      expect.closeTo(0.875, 2),
    ]);
    expect(lottery.map((r) => r.rewound)).toEqual([true, true, true]);
    // Without rewinding the second round starts from the moved weights (the check above can fail).
    const linear = await run({ type: 'linearIterative' });
    expect(linear.map((r) => r.rewound)).toEqual([true, false, false]);
    expect(tf.memory().numTensors).toBe(before);
    dense.dispose();
  });
});
