import { cfg, concatLayouts, type StructuredRule } from '@prunekit/core';
import { weightless } from './kit.js';

/**
 * Element-wise merges couple channel c of every input: one group. An input whose channel axis has
 * length 1 is broadcast (a spatial attention map) and couples nothing.
 */
const elementwise: StructuredRule = {
  analyze(ctx) {
    const full = ctx.inputs.filter((l) => l.size === ctx.outChannels);
    const odd = ctx.inputs.filter((l) => l.size !== ctx.outChannels && l.size !== 1);
    if (full.length === 0 || odd.length > 0) {
      const why = `'${ctx.node.name}' merges inputs of different channel counts`;
      for (const l of ctx.inputs) ctx.freeze(l, why);
      return { output: ctx.fixed(ctx.outChannels, why) };
    }
    for (let i = 1; i < full.length; i++) ctx.unify(full[0], full[i]);
    return { output: full[0] };
  },
};

export const addSpec = weightless('Add', elementwise);
export const multiplySpec = weightless('Multiply', elementwise);
export const averageSpec = weightless('Average', elementwise);
export const maximumSpec = weightless('Maximum', elementwise);
export const minimumSpec = weightless('Minimum', elementwise);

/** Concatenate: along the channel axis the inputs sit side by side (offsets); along another axis they are coupled. */
export const concatenateSpec = weightless('Concatenate', {
  analyze(ctx) {
    const rank = ctx.node.outputShape.length;
    const axis = cfg<number>(ctx.node.config, 'axis') ?? -1;
    if (axis === -1 || axis === rank - 1) return { output: concatLayouts(ctx.inputs) };
    for (let i = 1; i < ctx.inputs.length; i++) ctx.unify(ctx.inputs[0], ctx.inputs[i]);
    return { output: ctx.inputs[0] };
  },
});
