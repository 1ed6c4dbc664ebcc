export { arg, runMain, timedLog, writeAtomic, writeResults } from './script.js';
export { startBackend } from './backend.js';
export { batch1Latency, type Latency, roundRobinLatency } from './latency.js';
export { loadOrTrainBaseline } from './baseline.js';
export {
  type ExampleRecipe,
  type ExampleResult,
  type ExampleStart,
  type PipelineRun,
  startExample,
} from './start.js';
export { ratioCell, type SearchStepLike, searchLogLines } from './closed_loop_report.js';
export { safetySection } from './safety_section.js';
export { pruneUnstructuredCopy } from './prune.js';
export {
  collisionSection,
  exampleReport,
  type ReportableRow,
  sequentialRow,
  type SequentialVerdictLike,
} from './report_page.js';
export { concatRows, type LabelledRows } from './rows.js';
