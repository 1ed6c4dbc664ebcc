import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import {
  calibrationBatches,
  cnnModel,
  describeScorerConformance,
  modelFixture,
  residualModel,
} from '@prunekit/test-utils';
import {
  ablation,
  apoz,
  bnScale,
  fisher,
  fpgm,
  gradientMagnitude,
  hessianDiagonal,
  lamp,
  meanActivation,
  obd,
  regularized,
  snip,
  taylor,
  wanda,
} from '../src/index.js';
import { syntheticStats } from './helpers.js';

// Every criterion on the hand-made conformance graph (statistics given in the context) ...
const withStats = { context: (g: Parameters<typeof syntheticStats>[0]) => syntheticStats(g, 3) };
describeScorerConformance('gradient magnitude (given stats)', () => gradientMagnitude(), withStats);
describeScorerConformance('taylor (given stats)', () => taylor(), withStats);
describeScorerConformance(
  'taylor sum-abs, lamp-normalised (given stats)',
  () => taylor({ channel: 'sum-abs', normalizer: 'lamp' }),
  withStats,
);
describeScorerConformance('snip (given stats)', () => snip(), withStats);
describeScorerConformance('fisher (given stats)', () => fisher({ reduction: 'l2' }), withStats);
describeScorerConformance('obd (given stats)', (seed) => obd({ seed }), withStats);
describeScorerConformance('hessian diagonal (given stats)', (seed) => hessianDiagonal({ seed }), withStats);
describeScorerConformance('apoz (given stats)', () => apoz(), withStats);
describeScorerConformance(
  'mean activation (given stats)',
  () => meanActivation({ normalizer: 'max' }),
  withStats,
);
describeScorerConformance('wanda (given stats)', () => wanda(), withStats);
describeScorerConformance('bn-scale (no BN: magnitude fallback)', () => bnScale());
describeScorerConformance('fpgm', () => fpgm({ reduction: 'mean' }));
describeScorerConformance('lamp', () => lamp());
describeScorerConformance('regularized (group lasso)', () => regularized());

// ... and on real models, computing gradients / activations / loss from calibration batches.
const cnn = modelFixture(() => cnnModel({ seed: 5, inputShape: [6, 6, 2] }), true);
const cnnData = { fixture: cnn, context: () => ({ data: calibrationBatches([6, 6, 2], 5, { seed: 2 }) }) };
describeScorerConformance('taylor on a CNN with data', () => taylor(), cnnData);
describeScorerConformance('fisher on a CNN with data', () => fisher(), cnnData);
describeScorerConformance('obd on a CNN with data', (seed) => obd({ seed, probes: 2 }), cnnData);
describeScorerConformance('apoz on a CNN with data', () => apoz(), cnnData);
describeScorerConformance('wanda on a CNN with data', () => wanda(), cnnData);
describeScorerConformance('ablation on a CNN with data', () => ablation(), cnnData);

const res = modelFixture(() => residualModel({ seed: 5, inputShape: [4, 4, 3], width: 4 }), true);
const resData = { fixture: res, context: () => ({ data: calibrationBatches([4, 4, 3], 5, { seed: 4 }) }) };
describeScorerConformance('bn-scale on a residual model', () => bnScale(), { fixture: res });
describeScorerConformance('fpgm on a residual model', () => fpgm(), { fixture: res });
describeScorerConformance(
  'gradient magnitude on a residual model with data',
  () => gradientMagnitude(),
  resData,
);
describeScorerConformance('snip on a residual model with data', () => snip(), resData);
describeScorerConformance('mean activation on a residual model with data', () => meanActivation(), resData);
