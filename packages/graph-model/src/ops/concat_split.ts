import { concatLayouts } from '@prunekit/core';
import { constInts, freezeAll, normAxis, type OpFamily, opConfig } from './spec.js';

/** ConcatV2 (axis last) / Concat (axis first): side by side along channels, coupled along other axes. */
function concatSpec(op: 'ConcatV2' | 'Concat'): OpFamily {
  return {
    ops: [op],
    analyze(ctx) {
      const cfg = opConfig(ctx.node);
      const axisSlot = op === 'ConcatV2' ? cfg.slots.length - 1 : 0;
      const axis = constInts(ctx.node, axisSlot)?.[0];
      if (axis === undefined) return freezeAll(ctx, 'concatenates along an axis computed at run time');
      const data = cfg.slots.filter((_, i) => i !== axisSlot);
      if (data.some((s) => s.kind !== 'tensor')) return freezeAll(ctx, 'concatenates a constant');
      const rank = ctx.node.outputShape.length;
      if (normAxis(axis, rank) === rank - 1) return { output: concatLayouts(ctx.inputs) };
      for (let i = 1; i < ctx.inputs.length; i++) ctx.unify(ctx.inputs[0], ctx.inputs[i]);
      return { output: ctx.inputs[0] };
    },
  };
}

export const concatV2Spec = concatSpec('ConcatV2');
export const concatSpecV1 = concatSpec('Concat');

/**
 * Split (axis, x) / SplitV (x, sizes, axis) / Unpack: along a spatial or batch axis every output
 * carries the input's channels; along the channel axis each output would hold part of one group,
 * which the affine group model cannot express, so the channels are frozen.
 */
function splitSpec(op: 'Split' | 'SplitV' | 'Unpack'): OpFamily {
  return {
    ops: [op],
    analyze(ctx) {
      const cfg = opConfig(ctx.node);
      const axis =
        op === 'Unpack' ? Number(cfg.attrs.axis ?? 0) : constInts(ctx.node, op === 'Split' ? 0 : 2)?.[0];
      if (axis === undefined) return freezeAll(ctx, 'splits along an axis computed at run time');
      const rank = (ctx.node.inputShapes[0] ?? []).length;
      if (normAxis(axis, rank) === rank - 1) return freezeAll(ctx, 'splits the channel axis');
      return { output: ctx.inputs[0] };
    },
  };
}

export const splitSpecs: readonly OpFamily[] = [splitSpec('Split'), splitSpec('SplitV'), splitSpec('Unpack')];
