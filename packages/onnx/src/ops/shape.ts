import { concatLayouts, expandLayout } from '@prunekit/core';
import {
  constInts,
  freezeAll,
  intAttr,
  intsAttr,
  need,
  normAxis,
  type OnnxOpConfig,
  type OnnxOpFamily,
  opConfig,
  product,
  shapeError,
} from './spec.js';

/** The target shape of a Reshape, with 0 (copy, unless allowzero) and −1 (infer) resolved. */
function reshapeTarget(x: readonly number[], target: readonly number[], allowZero: boolean): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const known = product(out.filter((d) => d !== -1));
  return out.map((d) => (d === -1 ? product(x) / known : d));
}

/**
 * Reshape: channels are followed in the two cases prunekit proves — batch and channel axes kept
 * (each channel's values stay together, row-major) and [N, C, …] → [N, C·P] (a flatten before
 * Gemm, channel c at c·P … c·P+P−1); the shape initializer's channel entry is rewritten after
 * removal. Any other reshape moves channels where the group model cannot follow: frozen.
 */
export const reshapeSpec: OnnxOpFamily = {
  ops: ['Reshape'],
  analyze(ctx) {
    if (!constInts(ctx.node, 1)) return freezeAll(ctx, 'reshapes to a shape computed at run time');
    const x = (ctx.node.inputShapes[0] ?? []) as number[];
    const y = ctx.node.outputShape as number[];
    if (x.length < 2 || y.length < 2 || x[0] !== y[0]) return freezeAll(ctx, 'reshapes the batch axis');
    if (x[1] === y[1]) return { output: ctx.inputs[0] };
    const p = product(x.slice(2));
    if (y.length === 2 && y[1] === x[1] * p) return { output: expandLayout(ctx.inputs[0], p) };
    return freezeAll(ctx, 'reshapes the channel axis (channel positions cannot be followed)');
  },
  editConst(node, slot, values, sizes) {
    if (slot !== 1 || sizes.out === sizes.oldOut || values.length < 2) return undefined;
    if (values[1] === -1 || (values[1] === 0 && intAttr(opConfig(node), 'allowzero', 0) === 0))
      return undefined;
    const v = [...values];
    v[1] = sizes.out;
    return v;
  },
  infer(ctx) {
    const t = constInts(ctx.cfg, 1);
    if (!t) throw shapeError(ctx, 'reshapes to a shape computed at run time');
    return [reshapeTarget(need(ctx, 0), t, intAttr(ctx.cfg, 'allowzero', 0) === 1)];
  },
};

/** Flatten(axis 1): [N, C, …] → [N, C·P], channel c at c·P … c·P+P−1; other axes move the channels (frozen). */
export const flattenSpec: OnnxOpFamily = {
  ops: ['Flatten'],
  analyze(ctx) {
    const x = (ctx.node.inputShapes[0] ?? []) as number[];
    const axis = normAxis(intAttr(opConfig(ctx.node), 'axis', 1), x.length);
    if (axis !== 1) return freezeAll(ctx, `flattens at axis ${axis}, moving the channel axis`);
    return { output: expandLayout(ctx.inputs[0], product(x.slice(2))) };
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const axis = normAxis(intAttr(ctx.cfg, 'axis', 1), x.length);
    return [[product(x.slice(0, axis)), product(x.slice(axis))]];
  },
};

/** Transpose keeps the channels only when axis 1 stays axis 1; any other permutation freezes. */
export const transposeSpec: OnnxOpFamily = {
  ops: ['Transpose'],
  analyze(ctx) {
    const rank = (ctx.node.inputShapes[0] ?? []).length;
    const perm = intsAttr(opConfig(ctx.node), 'perm') ?? [...Array(rank).keys()].reverse();
    if (perm[1] !== 1) return freezeAll(ctx, 'moves the channel axis (a transpose prunekit does not follow)');
    return { output: ctx.inputs[0] };
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const perm = intsAttr(ctx.cfg, 'perm') ?? [...x.keys()].reverse();
    return [perm.map((p) => x[p])];
  },
};

/** Axes of Squeeze / Unsqueeze: the attribute before opset 13, input 1 from 13. */
const axesOf = (cfg: OnnxOpConfig): readonly number[] | undefined =>
  cfg.slots.length > 1 ? constInts(cfg, 1) : intsAttr(cfg, 'axes');

/** Squeeze / Unsqueeze move axis 1 unless they touch only axes after it: those pass through, others freeze. */
export const squeezeSpec: OnnxOpFamily = {
  ops: ['Squeeze', 'Unsqueeze'],
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    const axes = axesOf(cfg);
    const rank = cfg.op === 'Squeeze' ? (ctx.node.inputShapes[0] ?? []).length : ctx.node.outputShape.length;
    if (!axes || axes.length === 0) return freezeAll(ctx, 'squeezes axes it decides at run time');
    if (axes.some((a) => normAxis(a, rank) <= 1))
      return freezeAll(ctx, 'adds or removes an axis at or before the channel axis');
    return { output: ctx.inputs[0] };
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const axes = axesOf(ctx.cfg);
    if (ctx.cfg.op === 'Squeeze') {
      const drop = new Set(
        (axes ?? x.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis(a, x.length)),
      );
      return [x.filter((_, i) => !drop.has(i))];
    }
    if (!axes) throw shapeError(ctx, 'unsqueezes axes computed at run time');
    const rank = x.length + axes.length;
    const add = new Set(axes.map((a) => normAxis(a, rank)));
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(add.has(i) ? 1 : x[j++]);
    return [out];
  },
};

/** Softmax / LogSoftmax: over another axis channels pass through; over the channel axis every output depends on all channels (frozen). */
export const softmaxSpec: OnnxOpFamily = {
  ops: ['Softmax', 'LogSoftmax'],
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    const rank = ctx.node.outputShape.length;
    const axis = normAxis(intAttr(cfg, 'axis', cfg.opset >= 13 ? -1 : 1), rank);
    if (cfg.opset < 13 || axis <= 1) return freezeAll(ctx, 'normalises over the channel axis');
    return { output: ctx.inputs[0] };
  },
  infer: (ctx) => [[...need(ctx, 0)]],
};

/** Concat: along axis 1 the inputs sit side by side; along another axis their channels are coupled. */
export const concatSpec: OnnxOpFamily = {
  ops: ['Concat'],
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    if (cfg.slots.some((s) => s.kind !== 'tensor')) return freezeAll(ctx, 'concatenates an initializer');
    const axis = normAxis(intAttr(cfg, 'axis', 1), ctx.node.outputShape.length);
    if (axis === 1) return { output: concatLayouts(ctx.inputs) };
    for (let i = 1; i < ctx.inputs.length; i++) ctx.unify(ctx.inputs[0], ctx.inputs[i]);
    return { output: ctx.inputs[0] };
  },
  infer(ctx) {
    const xs = ctx.shapes.map((_, i) => need(ctx, i));
    const axis = normAxis(intAttr(ctx.cfg, 'axis', 1), xs[0].length);
    const out = [...xs[0]];
    out[axis] = xs.reduce((a, s) => a + s[axis], 0);
    return [out];
  },
};

/** Split sizes: input 1 (opset ≥ 13), the attribute before, or equal parts. */
function splitSizes(cfg: OnnxOpConfig, dim: number, outputs: number): number[] | undefined {
  const given =
    cfg.slots.length > 1 && cfg.slots[1]?.kind !== 'none' ? constInts(cfg, 1) : intsAttr(cfg, 'split');
  if (given) return [...given];
  if (cfg.slots.length > 1 && cfg.slots[1]?.kind === 'tensor') return undefined;
  const n = intAttr(cfg, 'num_outputs', outputs);
  const part = Math.ceil(dim / n);
  return Array.from({ length: n }, (_, i) => Math.min(part, dim - i * part));
}

/**
 * Split: along another axis every output carries the input's channels; along the channel axis
 * each output would hold part of one group, which the affine group model cannot express, so its
 * channels are frozen.
 */
export const splitSpec: OnnxOpFamily = {
  ops: ['Split'],
  analyze(ctx) {
    const rank = (ctx.node.inputShapes[0] ?? []).length;
    const axis = normAxis(intAttr(opConfig(ctx.node), 'axis', 0), rank);
    if (axis === 1) return freezeAll(ctx, 'splits the channel axis');
    return { output: ctx.inputs[0] };
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const axis = normAxis(intAttr(ctx.cfg, 'axis', 0), x.length);
    const outputs = ctx.cfg.outputCount;
    const sizes = splitSizes(ctx.cfg, x[axis], outputs);
    if (!sizes) throw shapeError(ctx, 'splits by sizes computed at run time');
    return sizes.map((s) => x.map((d, i) => (i === axis ? s : d)));
  },
};

/** Graph inputs: their channels are fixed by the data. */
export const inputSpec: OnnxOpFamily = {
  ops: ['Input'],
  analyze: (ctx) => ({ output: ctx.fixed(ctx.outChannels, `'${ctx.node.name}' is a model input`) }),
};

/** Ops whose channel mapping prunekit does not prove: their groups freeze, with the reason. */
const REASONS: Record<string, string> = {
  Slice: 'slices tensors (it may cut the channel axis)',
  Gather: 'gathers by index (it may pick channels)',
  GatherElements: 'gathers by index (it may pick channels)',
  GatherND: 'gathers by index (it may pick channels)',
  Tile: 'tiles tensors (it may repeat channels)',
  Expand: 'broadcasts to a shape computed at run time',
  Shape: 'reads a shape',
  Size: 'reads a size',
  ArgMax: 'takes the index of the largest value',
  ArgMin: 'takes the index of the smallest value',
  TopK: 'selects the top k values',
  DepthToSpace: 'moves channels into space',
  SpaceToDepth: 'moves space into channels',
  ConvTranspose: 'is a transposed convolution (no channel rule yet)',
  InstanceNormalization: 'normalises per channel with statistics of the input (no channel rule yet)',
  LayerNormalization: 'normalises over the channel axis',
  LRN: 'normalises across neighbouring channels',
  NonMaxSuppression: 'selects boxes',
  Where: 'selects by a computed condition',
  Einsum: 'contracts axes given by an equation',
  QuantizeLinear: 'quantizes (its scale may be per channel)',
  DequantizeLinear: 'dequantizes (its scale may be per channel)',
};

export const frozenSpecs: readonly OnnxOpFamily[] = Object.entries(REASONS).map(([op, why]) => ({
  ops: [op],
  analyze: (ctx) => freezeAll(ctx, why),
  ...(op === 'Shape' ? { infer: (ctx) => [[need(ctx, 0).length]] } : {}),
}));

/** Any op without a spec: frozen, with how to teach it. */
export function opaqueSpec(op: string): OnnxOpFamily {
  return {
    ops: [op],
    analyze: (ctx) =>
      freezeAll(ctx, `has no channel rule in @prunekit/onnx (registerOnnxOpSpec to teach it op '${op}')`),
  };
}
