import { flattenLayout } from '@prunekit/core';
import { constInts, freezeAll, lastDim, normAxis, type OpFamily, opConfig, product } from './spec.js';

/**
 * Reshape: supported when the channel axis survives as the last axis (row-major: channel c of
 * every row stays at index c) or when [b, …, C] becomes [b, P·C] (a flatten before MatMul);
 * the shape constant's last entry is rewritten after channel removal. Other reshapes move
 * channels to positions the group model cannot follow, so they freeze.
 */
export const reshapeSpec: OpFamily = {
  ops: ['Reshape'],
  analyze(ctx) {
    if (!constInts(ctx.node, 1)) return freezeAll(ctx, 'reshapes to a shape computed at run time');
    const inShape = ctx.node.inputShapes[0] ?? [];
    const outShape = ctx.node.outputShape;
    const c = lastDim(inShape);
    if (c > 0 && c === lastDim(outShape)) return { output: ctx.inputs[0] };
    const p = product(inShape.slice(1, -1));
    if (
      outShape.length === 2 &&
      inShape.length >= 2 &&
      outShape[0] === inShape[0] &&
      lastDim(outShape) === p * c
    ) {
      return { output: flattenLayout(ctx.inputs[0], p) };
    }
    return freezeAll(ctx, 'reshapes the channel axis (channel positions cannot be followed)');
  },
  editConst(_node, slot, values, sizes) {
    if (slot !== 1 || sizes.out === sizes.oldOut) return undefined;
    const v = [...values];
    if (v.length > 0 && v[v.length - 1] !== -1) v[v.length - 1] = sizes.out;
    return v;
  },
};

/** Squeeze / ExpandDims keep channels last unless they touch the last axis. */
export const squeezeSpec: OpFamily = {
  ops: ['Squeeze', 'ExpandDims'],
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    const inRank = (ctx.node.inputShapes[0] ?? []).length;
    if (cfg.op === 'Squeeze') {
      const dims = (cfg.attrs.squeeze_dims ?? cfg.attrs.axis ?? []) as number[];
      if (dims.length === 0 || dims.some((d) => normAxis(d, inRank) === inRank - 1)) {
        return freezeAll(ctx, 'may squeeze the channel axis');
      }
      return { output: ctx.inputs[0] };
    }
    const a = constInts(ctx.node, 1)?.[0];
    if (a === undefined) return freezeAll(ctx, 'inserts an axis computed at run time');
    if (normAxis(a, inRank + 1) >= inRank) return freezeAll(ctx, 'inserts an axis after the channel axis');
    return { output: ctx.inputs[0] };
  },
};

/** Transpose keeps the channels when the last axis stays last. */
export const transposeSpec: OpFamily = {
  ops: ['Transpose'],
  analyze(ctx) {
    const perm = constInts(ctx.node, 1);
    if (!perm) return freezeAll(ctx, 'transposes by a permutation computed at run time');
    if (perm[perm.length - 1] !== perm.length - 1) return freezeAll(ctx, 'moves the channel axis');
    return { output: ctx.inputs[0] };
  },
};

/** Ops whose channel mapping prunekit does not prove: their groups freeze, with the reason. */
const REASONS: Record<string, string> = {
  StridedSlice: 'slices tensors (it may cut the channel axis)',
  Slice: 'slices tensors (it may cut the channel axis)',
  GatherV2: 'gathers by index (it may pick channels)',
  GatherNd: 'gathers by index (it may pick channels)',
  Gather: 'gathers by index (it may pick channels)',
  Tile: 'tiles tensors (it may repeat channels)',
  Pack: 'stacks tensors along a new axis',
  ArgMax: 'takes the index of the largest value',
  ArgMin: 'takes the index of the smallest value',
  TopKV2: 'selects the top k values',
  Shape: 'reads a shape',
  DepthToSpace: 'moves channels into space',
  SpaceToDepth: 'moves space into channels',
  BatchMatMulV2: 'multiplies two computed tensors',
  Conv2DBackpropInput: 'is a transposed convolution (no channel rule yet)',
  NonMaxSuppressionV3: 'selects boxes',
  NonMaxSuppressionV5: 'selects boxes',
  Where: 'selects by a computed condition',
  Select: 'selects by a computed condition',
  SelectV2: 'selects by a computed condition',
  Einsum: 'contracts axes given by an equation',
};

export const frozenSpecs: readonly OpFamily[] = Object.entries(REASONS).map(([op, why]) => ({
  ops: [op],
  analyze: (ctx) => freezeAll(ctx, why),
}));

/** Graph inputs: their channels are fixed by the data. */
export const placeholderSpec: OpFamily = {
  ops: ['Placeholder', 'PlaceholderWithDefault'],
  analyze: (ctx) => ({ output: ctx.fixed(ctx.outChannels, `'${ctx.node.name}' is a model input`) }),
};

/** Any op without a spec. */
export function opaqueSpec(op: string): OpFamily {
  return {
    ops: [op],
    analyze: (ctx) =>
      freezeAll(
        ctx,
        opConfig(ctx.node).unknownShape
          ? 'runs inside control flow (shapes unknown)'
          : `has no channel rule in @prunekit/graph-model (registerOpSpec to teach it op '${op}')`,
      ),
  };
}
