import { InvalidArgumentError } from '@prunekit/core';
import type { StructuredRule } from '@prunekit/layers';
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
import { type OpSpec, opConfig } from './spec.js';

/** The op specs prunekit ships, one value per op family. */
export const builtinOpSpecs: readonly OpSpec[] = [
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

// On a global so that two installed copies of the package share one table.
const KEY = Symbol.for('@prunekit/graph-model/op-specs');

function table(): Map<string, OpSpec> {
  const g = globalThis as unknown as Record<symbol, Map<string, OpSpec> | undefined>;
  let t = g[KEY];
  if (!t) {
    t = new Map(builtinOpSpecs.flatMap((s) => s.ops.map((op) => [op, s] as const)));
    g[KEY] = t;
  }
  return t;
}

/** Registers (or replaces) the spec of each op it lists (custom ops plug in here). */
export function registerOpSpec(spec: OpSpec): void {
  if (!spec || !Array.isArray(spec.ops) || spec.ops.length === 0 || typeof spec.analyze !== 'function') {
    throw new InvalidArgumentError(
      'registerOpSpec: a spec needs a non-empty `ops` list and an analyze(ctx) function.',
    );
  }
  for (const op of spec.ops) table().set(op, spec);
}

/** The spec of an op, or undefined when prunekit has none. */
export function getOpSpec(op: string): OpSpec | undefined {
  return table().get(op);
}

/** Ops with a spec, sorted. */
export function registeredOps(): string[] {
  return [...table().keys()].sort();
}

/** The spec of an op, or one that freezes its channels with the reason. */
export function opSpecOrOpaque(op: string): OpSpec {
  return getOpSpec(op) ?? opaqueSpec(op);
}

/** The structured rules the channel analysis runs for the given ops, by op name. */
export function opRules(ops: Iterable<string>): Map<string, StructuredRule> {
  return new Map(
    [...new Set(ops)].map((op) => {
      const spec = opSpecOrOpaque(op);
      const opaque = opaqueSpec(op);
      const rule: StructuredRule = {
        analyze: (ctx) => (opConfig(ctx.node).unknownShape ? opaque.analyze(ctx) : spec.analyze(ctx)),
      };
      return [op, rule] as const;
    }),
  );
}
