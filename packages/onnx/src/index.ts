export { decodeModel, defaultOpset, encodeModel, type ModelProto, onnx } from './proto/onnx.js';
export {
  buildOnnxGraph,
  type InitializerBinding,
  type OnnxGraph,
  type OnnxGraphOptions,
  type OnnxInputShapes,
} from './graph/build_graph.js';
export { analyzeOnnxChannels, type OnnxChannelAnalysis } from './structured/analyze.js';
export { exportOnnx, removeOnnxChannels, zeroOnnxChannels } from './structured/surgery.js';
export { type LayersToOnnxOptions, layersToOnnx, OnnxExportError } from './export/layers_to_onnx.js';
export { type GraphModelToOnnxOptions, graphModelToOnnx } from './export/graph_model_to_onnx.js';
export { type AttributeOverride, type InitializerOverride, writeOnnx } from './io/write.js';
export {
  builtinOnnxOpFamilies,
  getOnnxOpSpec,
  onnxOpSpecs,
  onnxOpSpecsOf,
  registerOnnxOpSpec,
} from './ops/registry.js';
export type {
  EditAttrs,
  EditConst,
  OnnxOpConfig,
  OnnxOpFamily,
  OnnxOpSpec,
  OnnxParam,
  ShapeContext,
  Slot,
} from './ops/spec.js';
export { type ChannelPlanOptions, planChannelRemoval } from '@prunekit/core';
