import { createSpecRegistry, opSpecsFromFamily, slotParamsOf } from '@prunekit/core';
import { convSpec } from './conv.js';
import { batchNormSpec, binarySpec, dropoutSpec, preluSpec, unarySpec } from './elementwise.js';
import { gemmSpec, matMulSpec } from './gemm.js';
import {
  concatSpec,
  flattenSpec,
  frozenSpecs,
  inputSpec,
  opaqueSpec,
  reshapeSpec,
  softmaxSpec,
  splitSpec,
  squeezeSpec,
  transposeSpec,
} from './shape.js';
import { globalPoolSpec, padSpec, poolSpec, reduceSpec, resizeSpec } from './spatial.js';
import { bareConfig, type OnnxOpConfig, type OnnxOpFamily, type OnnxOpSpec, type OnnxParam } from './spec.js';

/** The ONNX op families prunekit ships (one value per family; one spec per op in the registry). */
export const builtinOnnxOpFamilies: readonly OnnxOpFamily[] = [
  inputSpec,
  convSpec,
  gemmSpec,
  matMulSpec,
  batchNormSpec,
  binarySpec,
  preluSpec,
  unarySpec,
  dropoutSpec,
  globalPoolSpec,
  poolSpec,
  reduceSpec,
  padSpec,
  resizeSpec,
  concatSpec,
  splitSpec,
  reshapeSpec,
  flattenSpec,
  transposeSpec,
  squeezeSpec,
  softmaxSpec,
  ...frozenSpecs,
];

const NO_ATTRS = bareConfig('', 17);

/** The spec of each op of a family (what `registerOnnxOpSpec` takes, for custom ops too). */
export function onnxOpSpecsOf(family: OnnxOpFamily): OnnxOpSpec[] {
  return opSpecsFromFamily('onnx', family, NO_ATTRS, ['editAttrs', 'infer']) as OnnxOpSpec[];
}

/** The ONNX op specs: core's spec registry for the 'onnx' format, beside the layer and graph-model specs. */
export const onnxOpSpecs = createSpecRegistry<OnnxOpSpec>(
  'onnx',
  builtinOnnxOpFamilies.flatMap(onnxOpSpecsOf),
);

/** Registers (or replaces) an ONNX op spec (custom ops plug in here); `onnxOpSpecsOf(family)` builds them. */
export function registerOnnxOpSpec(spec: OnnxOpSpec): void {
  onnxOpSpecs.register(spec);
}

/** The spec registered for an ONNX op type ('Conv'), or undefined. */
export const getOnnxOpSpec = (op: string): OnnxOpSpec | undefined => onnxOpSpecs.get(op);

/** The weights of one node: fixed slots from `params`, attribute-dependent ones from `slotParams`. */
export function onnxOpParams(spec: OnnxOpSpec, cfg: OnnxOpConfig): OnnxParam[] {
  return slotParamsOf(spec, cfg);
}

/** The spec of an op, or one that freezes its channels with the reason. */
export function onnxSpecOrOpaque(op: string): OnnxOpSpec {
  return getOnnxOpSpec(op) ?? onnxOpSpecsOf(opaqueSpec(op))[0];
}
