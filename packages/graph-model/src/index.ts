export { type GraphModelSource, graphModelFromArtifacts, graphModelSource } from './io/source.js';
export { graphModelBytes, graphModelFiles } from './io/files.js';
export { type ConstOverride, type WriteGraphOptions, writeGraphModel } from './io/materialize.js';
export {
  buildGraphModelGraph,
  type GraphModelGraph,
  type GraphModelGraphOptions,
  toTfGraphModel,
} from './graph/build_graph.js';
export type { ConstBinding, ConstStore } from './graph/const_store.js';
export type { InputShapes } from './graph/shapes.js';
export { analyzeGraphChannels, type GraphChannelAnalysis } from './structured/analyze.js';
export {
  exportGraphModel,
  removeGraphChannels,
  type SurgeryOptions,
  zeroGraphChannels,
} from './structured/surgery.js';
export {
  type ChannelStats,
  channelStats,
  contractedTensors,
  isContractingConv,
} from './structured/channel_stats.js';
export { consumerEnergy, type MeanCompensation, meanCompensation } from './structured/compensate.js';
export {
  builtinOpFamilies,
  getOpSpec,
  opSpecs,
  opSpecsOf,
  registeredOps,
  registerOpSpec,
} from './ops/registry.js';
export type { EditConst, OpConfig, OpFamily, OpParam, OpSpec, Slot } from './ops/spec.js';
export type { StoredWeight, WeightDtypeMode, WeightValues } from './weights/codec.js';
export type { GraphModelJson, ManifestWeight, NodeDef, Quantization } from './json/model_json.js';
export { type ChannelPlanOptions, planChannelRemoval } from './structured/plan.js';
export {
  distillGraphModel,
  type GraphDistillOptions,
  type GraphDistillResult,
  type GraphEpochLog,
} from './train/distill.js';
export { type OutputLoss, lossFor, outputLoss } from './train/losses.js';
export {
  constReaders,
  type ConstReader,
  type TrainableGraphModel,
  trainableGraphModel,
} from './train/trainable.js';
