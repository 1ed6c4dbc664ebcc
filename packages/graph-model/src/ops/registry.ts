import { createSpecRegistry, opSpecsFromFamily, slotParamsOf, type StructuredRule } from '@prunekit/core';
import { concatSpecV1, concatV2Spec, splitSpecs } from './concat_split.js';
import { conv2dSpec, depthwiseSpec } from './conv.js';
import { batchNormSpec, biasAddSpec, binarySpec, preluSpec, unarySpec } from './elementwise.js';
import { matMulSpec } from './matmul.js';
import { reduceSpec, softmaxSpec } from './reduce.js';
import {
  frozenSpecs,
  opaqueSpec,
  placeholderSpec,
  reshapeSpec,
  squeezeSpec,
  transposeSpec,
} from './shape.js';
import { padSpec, poolResizeSpec } from './spatial.js';
import { type OpConfig, type OpFamily, type OpParam, type OpSpec, opConfig } from './spec.js';

/** The op families prunekit ships (one value per family; one spec per op in the registry). */
export const builtinOpFamilies: readonly OpFamily[] = [
  placeholderSpec,
  conv2dSpec,
  depthwiseSpec,
  matMulSpec,
  biasAddSpec,
  batchNormSpec,
  preluSpec,
  binarySpec,
  unarySpec,
  reduceSpec,
  softmaxSpec,
  concatV2Spec,
  concatSpecV1,
  ...splitSpecs,
  padSpec,
  poolResizeSpec,
  reshapeSpec,
  squeezeSpec,
  transposeSpec,
  ...frozenSpecs,
];

const NO_ATTRS: OpConfig = { op: '', attrs: {}, slots: [], outputIndex: 0 };

/** The OpSpec of each op of a family (what `registerOpSpec` takes, for custom ops too). */
export function opSpecsOf(family: OpFamily): OpSpec[] {
  return opSpecsFromFamily('graph-model', family, NO_ATTRS);
}

/** The graph-model op specs: core's spec registry for the 'graph-model' format. */
export const opSpecs = createSpecRegistry<OpSpec>('graph-model', builtinOpFamilies.flatMap(opSpecsOf));

/** Registers (or replaces) an op spec (custom ops plug in here); `opSpecsOf(family)` builds them. */
export function registerOpSpec(spec: OpSpec): void {
  opSpecs.register(spec);
}

/** The spec registered for a graph op name (e.g. 'Conv2D'), or undefined when the op is unknown. */
export const getOpSpec = (op: string): OpSpec | undefined => opSpecs.get(op);
/** The names of every op with a registered spec. */
export const registeredOps = (): string[] => opSpecs.names();

/** The weights of one op instance: fixed slots from `params`, attribute-dependent ones from `slotParams`. */
export function opParams(spec: OpSpec, cfg: OpConfig): OpParam[] {
  return slotParamsOf(spec, cfg);
}

/** The spec of an op, or one that freezes its channels with the reason. */
export function opSpecOrOpaque(op: string): OpSpec {
  return getOpSpec(op) ?? opSpecsOf(opaqueSpec(op))[0];
}

/** The structured rule the channel analysis runs for a node (frozen when its shapes are unknown). */
export function ruleFor(op: string, unknownShape: boolean): StructuredRule {
  return unknownShape ? opSpecsOf(opaqueSpec(op))[0].structured : opSpecOrOpaque(op).structured;
}

export { opConfig };
