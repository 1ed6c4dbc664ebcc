import { constInts, freezeAll, normAxis, type OpFamily } from './spec.js';

/**
 * Reductions (Mean/Max/Min/Sum/Prod), e.g. the global pooling of a squeeze-excite block: over
 * spatial axes the channels pass through (with or without keep_dims the channel axis stays
 * last); over the channel axis they are mixed, so the channels are frozen.
 */
export const reduceSpec: OpFamily = {
  ops: ['Mean', 'Max', 'Min', 'Sum', 'Prod'],
  analyze(ctx) {
    const axes = constInts(ctx.node, 1);
    if (!axes) return freezeAll(ctx, 'reduces over axes computed at run time');
    const rank = (ctx.node.inputShapes[0] ?? []).length;
    if (rank === 0 || axes.some((a) => normAxis(a, rank) === rank - 1)) {
      return freezeAll(ctx, 'reduces over the channel axis (it mixes the channels)');
    }
    return { output: ctx.inputs[0] };
  },
};

/** Softmax-like ops normalise over the channel axis: removing one channel changes the others. */
export const softmaxSpec: OpFamily = {
  ops: ['Softmax', 'LogSoftmax', 'LRN'],
  analyze: (ctx) => freezeAll(ctx, 'normalises over the channel axis (it mixes the channels)'),
};
