// fineTune on a nested model (a backbone used as one layer): masks given by the flat graph's
// parameter ids (the inner layers' own) stay exactly zero inside the backbone while it trains.
import { buildGraph, cloneModel, flattenNested, readMasks } from '@prunekit/layers';
import { createRng, writeMasks } from '@prunekit/core';
import { expectNoLeaks } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill, fineTune } from '../src/index.js';
import { disposeData, makeData, tinyModel, useCpu } from './helpers.js';

beforeAll(useCpu);

describe('fineTune on a nested model', () => {
  it('keeps the masks of the backbone layers while the backbone trains', async () => {
    const backbone = tinyModel(4, { hidden: 16, classes: 8 }); // a Sequential: fc1 → logits
    const x = tfl.input({ shape: [6], name: 'features_in' });
    const y = tfl.layers
      .dense({ units: 3, activation: 'softmax', name: 'head' })
      .apply(backbone.apply(x) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: y });
    const graph = buildGraph(model);
    const rng = createRng(3);
    const masks = new Map(
      graph
        .params((p) => p.prunable)
        .map((p) => {
          const n = p.shape.reduce((a, b) => a * b, 1);
          return [
            p.id,
            { shape: [...p.shape], data: Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1)) },
          ];
        }),
    );
    expect([...masks.keys()].sort()).toEqual(['fc1/kernel', 'head/kernel', 'logits/kernel']);
    writeMasks(graph.weights, masks);
    const before = graph.weights.values('fc1/kernel');
    const train = makeData(1, 64);
    await expectNoLeaks(() =>
      fineTune(model, train, { epochs: 2, batchSize: 16, lr: 0.05, masks, verbose: 0 }),
    );
    const after = graph.weights.values('fc1/kernel');
    const m = masks.get('fc1/kernel')!.data;
    expect(after.every((v, i) => m[i] === 1 || Object.is(v, 0))).toBe(true);
    expect(after.some((v, i) => m[i] === 1 && v !== before[i])).toBe(true); // the backbone trained
    expect(readMasks(graph).get('fc1/kernel')!.data).toEqual(m);
    disposeData(train);
    model.dispose();
  });

  it('distills a feature inside the nested teacher (backbone layer fc1) into a flat student', async () => {
    const backbone = tinyModel(5, { hidden: 16, classes: 8 });
    const x = tfl.input({ shape: [6], name: 'features_in' });
    const y = tfl.layers
      .dense({ units: 3, activation: 'softmax', name: 'head' })
      .apply(backbone.apply(x) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const teacher = tfl.model({ inputs: x, outputs: y });
    const student = await cloneModel(flattenNested(teacher)); // flat, as channel surgery returns it
    expect(student.layers.map((l) => l.name)).toContain('fc1');
    const train = makeData(2, 64);
    const loss = distill({ teacher, alpha: 0.5, features: [{ student: 'fc1', teacher: 'fc1' }] });
    const { history } = await expectNoLeaks(() =>
      fineTune(student, train, { epochs: 2, batchSize: 16, lr: 0.05, loss, verbose: 0 }),
    );
    expect(history).toHaveLength(2);
    expect(Number.isFinite(history[1].loss)).toBe(true);
    expect(() =>
      distill({ teacher, features: [{ student: 'fc1', teacher: 'nope' }] }).check!(student),
    ).toThrow(/nope/);
    disposeData(train);
    student.dispose();
    teacher.dispose();
  });
});
