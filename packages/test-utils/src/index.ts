// The conformance suites, test graphs and leak checker are public in @prunekit/testing; re-exported
// here so the workspace's tests keep one import.
export { expectNoLeaks } from '@prunekit/testing';
export {
  createTestGraph,
  denseTestGraph,
  type TestGraph,
  type TestLayerSpec,
  type TestParamSpec,
} from '@prunekit/testing';
export { conformanceGraph } from '@prunekit/testing';
export {
  cnnModel,
  DEADLINE_NET,
  DEADLINE_SEARCH,
  deadlineNet,
  mlpModel,
  recordScores,
  replayScores,
  residualModel,
  seedWeights,
  type CnnOptions,
  type MlpOptions,
  type ResidualOptions,
} from './fixtures/index.js';
export { modelFixture } from './model_fixture.js';
export {
  calibrationBatches,
  describeScorerConformance,
  disposeBatches,
  type ScorerConformanceOptions,
  type ScorerFixture,
} from '@prunekit/testing';
export {
  describePrunerConformance,
  patternViolations,
  type PrunerConformanceOptions,
} from '@prunekit/testing';
export { describeScheduleConformance, type ScheduleConformanceOptions } from '@prunekit/testing';
export { randomArch, RANDOM_ARCH_BLOCKS, type RandomArch, type RandomArchOptions } from './random_arch.js';
export {
  DEFAULT_KERNEL_FORMATS,
  describeSparseKernelConformance,
  maxRelativeError,
  type KernelConformanceOptions,
  type KernelFormatSpec,
  type SparseKernelApi,
} from './kernel_conformance.js';
export { CHROMIUM, CHROMIUM_ARGS, requireChromium } from './chromium.js';
export {
  randomGraphModel,
  RANDOM_GRAPH_BLOCKS,
  type RandomGraphModel,
  type RandomGraphModelOptions,
} from './random_graph_model.js';
