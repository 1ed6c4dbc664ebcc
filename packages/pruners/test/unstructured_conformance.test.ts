import '@tensorflow/tfjs-backend-cpu';
import { type Scorer, sizeOf } from '@prunekit/core';
import {
  cnnModel,
  denseTestGraph,
  describePrunerConformance,
  mlpModel,
  modelFixture,
} from '@prunekit/test-utils';
import { polynomialDecay, unstructuredPruner } from '../src/index.js';

const absScorer: Scorer = {
  name: 'abs',
  needs: ['weights'],
  async score(t, ctx) {
    if (t.kind !== 'weight') throw new Error('weights only');
    return {
      kind: 'weight',
      param: t.param.id,
      shape: t.param.shape,
      values: ctx.graph.weights.values(t.param.id).map(Math.abs),
    };
  },
};
const rngScorer: Scorer = {
  name: 'rng',
  needs: [],
  async score(t, ctx) {
    if (t.kind !== 'weight') throw new Error('weights only');
    const values = Float32Array.from({ length: sizeOf(t.param.shape) }, () => ctx.rng.next());
    return { kind: 'weight', param: t.param.id, shape: t.param.shape, values };
  },
};
const schedule = () => polynomialDecay({ initial: 0.1, final: 0.7, begin: 0, end: 30, frequency: 10 });

describePrunerConformance(
  'unstructured local, one shot',
  (g, seed) => unstructuredPruner(g, { scorer: absScorer, ratio: 0.6, seed }),
  {
    kind: 'masks',
    fixture: () => {
      const graph = denseTestGraph();
      return { graph, dispose: () => graph.dispose() };
    },
  },
);
describePrunerConformance(
  'unstructured global, scheduled, random scores, on a CNN',
  (g, seed) => unstructuredPruner(g, { scorer: rngScorer, schedule: schedule(), scope: 'global', seed }),
  { kind: 'masks', fixture: modelFixture(() => cnnModel({ seed: 6 })), steps: [0, 5, 10, 20, 30, 40] },
);
describePrunerConformance(
  'unstructured local with ratios, scheduled, on an MLP',
  (g, seed) =>
    unstructuredPruner(g, {
      scorer: absScorer,
      schedule: schedule(),
      ratio: 0.7,
      ratios: { dense1: 0.9 },
      seed,
    }),
  { kind: 'masks', fixture: modelFixture(() => mlpModel({ seed: 6 })), steps: [0, 10, 20, 30] },
);
