export { expectNoLeaks } from './leaks.js';
export {
  createTestGraph,
  denseTestGraph,
  type TestGraph,
  type TestLayerSpec,
  type TestParamSpec,
} from './test_graph.js';
export { conformanceGraph } from './conformance_graph.js';
export {
  cnnModel,
  mlpModel,
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
} from './scorer_conformance.js';
export {
  describePrunerConformance,
  patternViolations,
  type PrunerConformanceOptions,
} from './pruner_conformance.js';
export { describeScheduleConformance, type ScheduleConformanceOptions } from './schedule_conformance.js';
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
