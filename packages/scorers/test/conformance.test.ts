import '@tensorflow/tfjs-backend-cpu';
import { cnnModel, describeScorerConformance, modelFixture, residualModel } from '@prunekit/test-utils';
import { magnitude, random } from '../src/index.js';

describeScorerConformance('magnitude L1', () => magnitude({ p: 1 }));
describeScorerConformance('magnitude L2', () => magnitude({ p: 2 }));
describeScorerConformance('magnitude L2, sum + max-normalised', () =>
  magnitude({ p: 2, reduction: 'sum', normalizer: 'max' }),
);
describeScorerConformance('random', (seed) => random({ seed }));

// The same contract on real tfjs-layers models built with buildGraph (per-weight scores only).
describeScorerConformance('magnitude L1 on a CNN', () => magnitude({ p: 1 }), {
  fixture: modelFixture(() => cnnModel({ seed: 4 })),
  groups: false,
});
describeScorerConformance('random on a residual model', (seed) => random({ seed }), {
  fixture: modelFixture(() => residualModel({ seed: 4 })),
  groups: false,
});
