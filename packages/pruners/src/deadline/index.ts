export { type LayerSignature, layerSignature, modelSignatures } from './signature.js';
export {
  createLatencyTable,
  entryMs,
  type LatencyEntry,
  type LatencyPercentile,
  type LatencyTable,
  parseLatencyTable,
} from './latency_table.js';
export {
  layerModel,
  modelInputs,
  type TimingOptions,
  timeModel,
  timeOverhead,
  timeSignature,
  timeSignatures,
} from './measure.js';
export {
  type LatencyModel,
  type LatencyModelOptions,
  type LayerPrediction,
  type LayerRef,
  latencyModel,
  type ModelPrediction,
} from './latency_model.js';
export {
  ascendingChannels,
  type RefineOptions,
  refineWidths,
  removalFor,
  type ScoredWidthGroup,
  type WidthSearchOptions,
  type WidthStep,
  type Widths,
  widthSearch,
  widthsKey,
} from './width_search.js';
export {
  type DeadlineBudget,
  type DeadlinePrunerOptions,
  type DeadlineProgress,
  type DeadlineResult,
  type DeadlineRound,
  deadlinePrune,
  measureLatency,
  scoreWidthGroups,
} from './deadline_pruner.js';
export {
  calibratedMs,
  classSums,
  fitCalibration,
  type LatencyCalibration,
  type LatencySample,
  sampleWidths,
} from './calibration.js';
