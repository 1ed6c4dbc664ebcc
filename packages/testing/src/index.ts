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
