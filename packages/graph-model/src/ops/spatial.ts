import { channelsLast, constInts, freezeAll, type OpFamily, opConfig } from './spec.js';

/** Pad / PadV2 / MirrorPad: channels pass through unless the channel axis itself is padded. */
export const padSpec: OpFamily = {
  ops: ['Pad', 'PadV2', 'MirrorPad'],
  analyze(ctx) {
    const p = constInts(ctx.node, 1);
    if (!p) return freezeAll(ctx, 'pads by amounts computed at run time');
    const n = p.length;
    if (n >= 2 && (p[n - 1] !== 0 || p[n - 2] !== 0)) return freezeAll(ctx, 'pads the channel axis');
    const cv = opConfig(ctx.node).slots[2];
    if (cv?.kind === 'const' && cv.shape.length > 0) return freezeAll(ctx, 'pads with a non-scalar value');
    return { output: ctx.inputs[0] };
  },
};

/** Pooling and resizing act per channel (channels-last). */
export const poolResizeSpec: OpFamily = {
  ops: ['MaxPool', 'AvgPool', 'MaxPoolV2', 'ResizeBilinear', 'ResizeNearestNeighbor'],
  analyze(ctx) {
    if (!channelsLast(ctx.node)) return freezeAll(ctx, 'is channels-first');
    const cfg = opConfig(ctx.node);
    if (cfg.slots[0]?.kind !== 'tensor') return freezeAll(ctx, 'reads a constant');
    return { output: ctx.inputs[0] };
  },
};
