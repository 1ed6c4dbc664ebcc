// Label-free distillation of a channel-pruned graph model from its unpruned teacher, on the wasm
// backend with prunekit's training kernels: the distillation loss on held-out inputs falls, masked
// zeros stay zero, the result reloads in stock tfjs, and no tensor is left behind.
import { useBackend } from '@prunekit/backend-wasm';
import { adam } from '@prunekit/finetune';
import { magnitude } from '@prunekit/scorers';
import { randomGraphModel } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradients
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  constReaders,
  distillGraphModel,
  graphModelSource,
  planChannelRemoval,
  removeGraphChannels,
  toTfGraphModel,
  writeGraphModel,
} from '../src/index.js';
import { runAll } from './helpers.js';

beforeAll(async () => {
  await useBackend();
  expect(tf.getBackend()).toBe('wasm');
});

describe('distillGraphModel', () => {
  it('recovers a 50%-channel-pruned random graph model towards its teacher without labels; zeros kept; no leaks', async () => {
    const before = tf.memory().numTensors;
    const r = randomGraphModel(5, { fused: 'mixed', blocks: [3, 3] });
    const teacher = graphModelSource(r.json, r.weightData, 'teacher');
    const graph = await buildGraphModelGraph(teacher);
    const analysis = analyzeGraphChannels(graph);
    const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio: 0.5 });
    const pruned = removeGraphChannels(analysis, removal);
    graph.dispose();
    // A mask on top: zero the first weight of every filter const of the pruned student.
    const filter = [...pruned.consts.keys()].find((k) => pruned.consts.get(k)!.spec.shape.length === 4)!;
    const values = Float32Array.from(pruned.consts.get(filter)!.values);
    values[0] = 0;
    const shape = pruned.consts.get(filter)!.spec.shape;
    const student = writeGraphModel(
      pruned,
      constReaders(pruned)
        .get(filter)!
        .map((r) => ({ constName: filter, ...r, values, shape })),
    );
    const [train, val] = [
      tf.randomUniform([32, ...r.inputShape.slice(1)], -1, 1, 'float32', 1),
      tf.randomUniform([16, ...r.inputShape.slice(1)], -1, 1, 'float32', 2),
    ];
    let firstSnapshot: Awaited<ReturnType<typeof distillGraphModel>>['model'] | undefined;
    const out = await distillGraphModel(student, {
      teacher,
      inputs: train,
      validation: val,
      epochs: 4,
      batchSize: 8,
      optimizer: adam({ lr: 3e-3 }),
      earlyStop: { patience: 2, restoreBest: true },
      onEpoch: (log, snapshot) => {
        if (log.epoch === 0) firstSnapshot = snapshot();
      },
    });
    // A checkpoint taken mid-run is a whole graph model with the student's shapes.
    expect(firstSnapshot!.json.weightsManifest[0].weights.length).toBe(
      out.model.json.weightsManifest[0].weights.length,
    );
    expect(out.history.length).toBeGreaterThan(1);
    const first = out.history[0].valLoss!;
    const bestVal = Math.min(...out.history.map((h) => h.valLoss!));
    expect(bestVal).toBeLessThan(first);
    expect(Math.abs(out.model.consts.get(filter)!.values[0])).toBe(0); // -0 is a zero too
    // Reloads in stock tfjs and runs.
    const m = await toTfGraphModel(out.model);
    const one = tf.slice(val, 0, 1);
    const y = await runAll(m, one);
    expect(y.every((t) => t.shape.length > 0)).toBe(true);
    tf.dispose([...y, one, train, val]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
