import '@tensorflow/tfjs-backend-cpu';
import { cnnModel, describeScorerConformance, modelFixture, residualModel } from '@prunekit/test-utils';
import { magnitude, random } from '../src/index.js';

// Group scoring on the dependency groups @prunekit/layers finds in real models: through Flatten
// (CNN), and through BatchNormalization, a residual Add and a Concatenate (residual model).
describeScorerConformance('magnitude L2 groups on a CNN', () => magnitude({ p: 2 }), {
  fixture: modelFixture(() => cnnModel({ seed: 8 }), true),
});
describeScorerConformance(
  'magnitude L1 groups on a residual model',
  () => magnitude({ p: 1, reduction: 'sum', normalizer: 'mean' }),
  { fixture: modelFixture(() => residualModel({ seed: 8 }), true) },
);
describeScorerConformance('random groups on a residual model', (seed) => random({ seed }), {
  fixture: modelFixture(() => residualModel({ seed: 8 }), true),
});
