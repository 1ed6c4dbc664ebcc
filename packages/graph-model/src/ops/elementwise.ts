import { batchNormSlotParams, type Layout, type WeightSlice } from '@prunekit/core';
import { freezeAll, type OpFamily, opConfig } from './spec.js';

/**
 * Element-wise ops with numpy broadcasting: the channel axis is the last axis of every operand
 * (broadcasting aligns trailing axes), so channel c of the output reads channel c of each
 * operand. Computed operands with the output's channel count are coupled into one group; an
 * operand of 1 channel (a scalar, a spatial map) is broadcast and couples nothing; a constant
 * operand of C channels (a per-channel scale or offset) is cut with the channels.
 */
const elementwise: OpFamily['analyze'] = (ctx) => {
  const cfg = opConfig(ctx.node);
  const c = ctx.outChannels;
  const full: Layout[] = [];
  const slices: WeightSlice[] = [];
  for (const s of cfg.slots) {
    if (s.kind === 'tensor') {
      const l = ctx.inputs[s.input];
      if (l.size === c) full.push(l);
      else if (l.size > 1) return freezeAll(ctx, 'broadcasts operands of different channel counts');
    } else {
      const last = s.shape[s.shape.length - 1] ?? 1;
      if (last === c && c > 1 && s.param) {
        slices.push({ weight: s.param, axis: s.shape.length - 1, side: 'out', role: 'through' });
      } else if (last > 1 && last !== c)
        return freezeAll(ctx, 'broadcasts a constant whose last axis is not the channel axis');
    }
  }
  if (full.length === 0)
    return freezeAll(ctx, 'takes its channels from a constant, not from a computed tensor');
  for (let i = 1; i < full.length; i++) ctx.unify(full[0], full[i]);
  return { output: full[0], slices };
};

/** Binary and n-ary element-wise arithmetic. */
export const binarySpec: OpFamily = {
  ops: [
    'Add',
    'AddV2',
    'AddN',
    'Sub',
    'Mul',
    'RealDiv',
    'Div',
    'DivNoNan',
    'Maximum',
    'Minimum',
    'SquaredDifference',
    'Pow',
    'FloorDiv',
    'FloorMod',
  ],
  params: (cfg) =>
    cfg.slots.flatMap((s, slot) =>
      s.kind === 'const' && s.dtype === 'float32'
        ? [
            {
              slot,
              name: `operand${slot}`,
              role: 'other' as const,
              outAxis: s.shape.length > 0 ? s.shape.length - 1 : undefined,
            },
          ]
        : [],
    ),
  analyze: elementwise,
};

/** One-input element-wise functions (activations included) and dtype casts: channels pass through. */
export const unarySpec: OpFamily = {
  ops: [
    'Identity',
    'Cast',
    'Relu',
    'Relu6',
    'Elu',
    'Selu',
    'LeakyRelu',
    'Sigmoid',
    'Tanh',
    'Softplus',
    'Softsign',
    'Square',
    'Sqrt',
    'Rsqrt',
    'Exp',
    'Expm1',
    'Log',
    'Log1p',
    'Neg',
    'Abs',
    'Reciprocal',
    'Erf',
    'Floor',
    'Ceil',
    'Round',
    'Sign',
    'StopGradient',
    'ClipByValue',
    'Sin',
    'Cos',
  ],
  params: binarySpec.params,
  analyze: elementwise,
};

/** Per-channel affine ops: BiasAdd, FusedBatchNorm (inference), Prelu. */
export const biasAddSpec: OpFamily = {
  ops: ['BiasAdd'],
  params: () => [{ slot: 1, name: 'bias', role: 'bias', outAxis: 0 }],
  analyze: elementwise,
};

export const batchNormSpec: OpFamily = {
  ops: ['FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3'],
  params: () => batchNormSlotParams(['scale', 'offset', 'mean', 'variance']),
  analyze(ctx) {
    if (opConfig(ctx.node).outputIndex !== 0) return freezeAll(ctx, 'output is a batch statistic');
    return elementwise(ctx);
  },
};

export const preluSpec: OpFamily = {
  ops: ['Prelu'],
  params: (cfg) => {
    const s = cfg.slots[1];
    const rank = s?.kind === 'const' ? s.shape.length : 1;
    return [{ slot: 1, name: 'alpha', role: 'alpha', outAxis: Math.max(0, rank - 1) }];
  },
  analyze: elementwise,
};
