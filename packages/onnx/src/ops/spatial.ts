import { windowShape } from './conv.js';
import {
  constFloats,
  constInts,
  freezeAll,
  intAttr,
  intsAttr,
  need,
  normAxis,
  type OnnxOpConfig,
  type OnnxOpFamily,
  opConfig,
  shapeError,
} from './spec.js';

const passThrough: OnnxOpFamily['analyze'] = (ctx) => {
  if (opConfig(ctx.node).slots[0]?.kind !== 'tensor') return freezeAll(ctx, 'reads an initializer');
  return { output: ctx.inputs[0] };
};

/** GlobalAveragePool / GlobalMaxPool: [N, C, …] → [N, C, 1, …]; channels pass through. */
export const globalPoolSpec: OnnxOpFamily = {
  ops: ['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'],
  analyze: passThrough,
  infer: (ctx) => {
    const x = need(ctx, 0);
    return [[x[0], x[1], ...x.slice(2).map(() => 1)]];
  },
};

/** MaxPool / AveragePool / LpPool: windows over space; channels pass through (MaxPool's indices output freezes). */
export const poolSpec: OnnxOpFamily = {
  ops: ['MaxPool', 'AveragePool', 'LpPool'],
  macs(node) {
    const k = intsAttr(opConfig(node), 'kernel_shape') ?? [];
    return node.outputShape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1) * k.reduce((a, d) => a * d, 1);
  },
  analyze(ctx) {
    if (opConfig(ctx.node).outputIndex !== 0) return freezeAll(ctx, 'output is the indices of the maxima');
    return passThrough(ctx);
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const k = intsAttr(ctx.cfg, 'kernel_shape');
    if (!k) throw shapeError(ctx, 'has no kernel_shape');
    const y = windowShape(ctx, k, x[1]);
    return [y, y];
  },
};

/** The reduced axes of a Reduce* node (attribute before opset 18, input 1 from 18; ReduceSum from 13). */
function reduceAxes(cfg: OnnxOpConfig, rank: number): number[] | 'all' | undefined {
  const fromInput = cfg.slots.length > 1 && cfg.slots[1]?.kind !== 'none';
  const axes = fromInput ? constInts(cfg, 1) : intsAttr(cfg, 'axes');
  if (fromInput && !axes) return undefined;
  if (!axes || axes.length === 0) return intAttr(cfg, 'noop_with_empty_axes', 0) === 1 ? [] : 'all';
  return axes.map((a) => normAxis(a, rank));
}

/** ReduceMean and friends: over spatial axes (squeeze-excite) channels pass through; over channels they freeze. */
export const reduceSpec: OnnxOpFamily = {
  ops: ['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceL2', 'ReduceL1', 'ReduceProd'],
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    const rank = (ctx.node.inputShapes[0] ?? []).length;
    const axes = reduceAxes(cfg, rank);
    if (axes === undefined) return freezeAll(ctx, 'reduces axes computed at run time');
    if (axes === 'all' || axes.includes(1)) return freezeAll(ctx, 'reduces over the channel axis');
    if (intAttr(cfg, 'keepdims', 1) === 0 && axes.includes(0))
      return freezeAll(ctx, 'drops the batch axis, moving the channel axis');
    return passThrough(ctx);
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const axes = reduceAxes(ctx.cfg, x.length);
    if (axes === undefined) throw shapeError(ctx, 'reduces axes computed at run time');
    const keep = intAttr(ctx.cfg, 'keepdims', 1) === 1;
    const out: number[] = [];
    x.forEach((d, i) => {
      const reduced = axes === 'all' || axes.includes(i);
      if (!reduced) out.push(d);
      else if (keep) out.push(1);
    });
    return [out];
  },
};

/** The pads of a Pad node: input 1 (opset ≥ 11) or the pads attribute; `axes` (opset 18) narrows them. */
function padsOf(cfg: OnnxOpConfig, rank: number): number[] | undefined {
  const p = cfg.slots.length > 1 ? constInts(cfg, 1) : intsAttr(cfg, 'pads');
  if (!p) return undefined;
  const axes = cfg.slots[3]?.kind === 'const' ? constInts(cfg, 3) : undefined;
  if (!axes) return [...p];
  const full = Array(2 * rank).fill(0);
  axes.forEach((a, i) => {
    const ax = normAxis(a, rank);
    full[ax] = p[i];
    full[rank + ax] = p[axes.length + i];
  });
  return full;
}

/** Pad: channels pass through when the channel axis is not padded. */
export const padSpec: OnnxOpFamily = {
  ops: ['Pad'],
  analyze(ctx) {
    const rank = (ctx.node.inputShapes[0] ?? []).length;
    const pads = padsOf(opConfig(ctx.node), rank);
    if (!pads) return freezeAll(ctx, 'pads by amounts computed at run time');
    if (pads[1] !== 0 || pads[rank + 1] !== 0) return freezeAll(ctx, 'pads the channel axis');
    return passThrough(ctx);
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const pads = padsOf(ctx.cfg, x.length);
    if (!pads) throw shapeError(ctx, 'pads by amounts computed at run time');
    return [x.map((d, i) => d + pads[i] + pads[x.length + i])];
  },
};

/** Resize (X, roi, scales, sizes) / Upsample (X, scales): channels pass through when axis 1 keeps its size; `sizes[1]` is rewritten. */
export const resizeSpec: OnnxOpFamily = {
  ops: ['Resize', 'Upsample'],
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    const scalesSlot = cfg.op === 'Upsample' ? 1 : 2;
    const scales = constFloats(cfg, scalesSlot);
    const sizes = constInts(cfg, 3);
    const known = (scales && scales.length > 0) || sizes;
    if (!known) return freezeAll(ctx, 'resizes to a size computed at run time');
    if (ctx.outChannels !== (ctx.node.inputShapes[0] ?? [])[1])
      return freezeAll(ctx, 'resizes the channel axis');
    return passThrough(ctx);
  },
  editConst(_node, slot, values, sizes) {
    if (slot !== 3 || values.length < 2 || sizes.out === sizes.oldOut) return undefined;
    const v = [...values];
    v[1] = sizes.out;
    return v;
  },
  infer(ctx) {
    const x = need(ctx, 0);
    const upsample = ctx.cfg.op === 'Upsample';
    const sizes = upsample ? undefined : constInts(ctx.cfg, 3);
    if (sizes && sizes.length === x.length) return [[...sizes]];
    const scales = constFloats(ctx.cfg, upsample ? 1 : 2);
    if (!scales || scales.length !== x.length)
      throw shapeError(ctx, 'resizes by scales or sizes computed at run time');
    return [x.map((d, i) => Math.floor(d * scales[i]))];
  },
};
