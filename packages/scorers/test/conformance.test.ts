import '@tensorflow/tfjs-backend-cpu';
import { describeScorerConformance } from '@prunekit/test-utils';
import { magnitude, random } from '../src/index.js';

describeScorerConformance('magnitude L1', () => magnitude({ p: 1 }));
describeScorerConformance('magnitude L2', () => magnitude({ p: 2 }));
describeScorerConformance('magnitude L2, sum + max-normalised', () =>
  magnitude({ p: 2, reduction: 'sum', normalizer: 'max' }),
);
describeScorerConformance('random', (seed) => random({ seed }));
