import {
  batchNormSlotParams,
  type Layout,
  type RuleContext,
  type RuleResult,
  type WeightSlice,
} from '@prunekit/core';
import { FLOAT_TYPES } from '../proto/tensors.js';
import {
  broadcast,
  channelAxis,
  freezeAll,
  need,
  type OnnxOpFamily,
  opConfig,
  sameAsInput,
  type ShapeContext,
} from './spec.js';

/**
 * Element-wise ops with numpy broadcasting: operands align on their trailing axes, so the output's
 * channel axis (1) meets axis `1 − (R − r)` of an operand of rank r. A computed operand whose
 * aligned axis is its own channel axis with the output's channel count is coupled into one group;
 * one that broadcasts there (size 1, or too few axes) couples nothing; an initializer of C
 * entries there (a per-channel scale, offset, slope) is cut with the channels.
 */
export function elementwise(ctx: RuleContext): RuleResult {
  const cfg = opConfig(ctx.node);
  const outRank = ctx.node.outputShape.length;
  const ax = channelAxis(outRank);
  const c = ctx.outChannels;
  const full: Layout[] = [];
  const slices: WeightSlice[] = [];
  for (const s of cfg.slots) {
    if (s.kind === 'none') continue;
    const shape = s.kind === 'tensor' ? (ctx.node.inputShapes[s.input] ?? []) : s.shape;
    const a = ax - (outRank - shape.length);
    const d = a >= 0 ? (shape[a] ?? 1) : 1;
    if (d === 1 && c !== 1) continue;
    if (d !== c) return freezeAll(ctx, 'broadcasts operands of different channel counts');
    if (s.kind === 'tensor') {
      if (a !== channelAxis(shape.length))
        return freezeAll(ctx, "meets an operand whose channel axis is not aligned with the output's");
      full.push(ctx.inputs[s.input]);
    } else if (s.param && c > 1) {
      slices.push({ weight: s.param, axis: a, side: 'out', role: 'through' });
    }
  }
  if (full.length === 0)
    return freezeAll(ctx, 'takes its channels from an initializer, not from a computed tensor');
  for (let i = 1; i < full.length; i++) ctx.unify(full[0], full[i]);
  return { output: full[0], slices };
}

const broadcastShapes = (ctx: ShapeContext): number[][] => [
  broadcast(
    ctx,
    ctx.shapes.filter((s): s is readonly number[] => s !== undefined),
  ),
];

/** Binary and variadic arithmetic; float initializer operands are weights cut with the channels. */
export const binarySpec: OnnxOpFamily = {
  ops: ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Sum', 'Mean', 'Pow'],
  params: (cfg) =>
    cfg.slots.flatMap((s, slot) =>
      s.kind === 'const' && FLOAT_TYPES.has(s.dataType)
        ? [{ slot, name: `operand${slot}`, role: 'other' as const }]
        : [],
    ),
  analyze: elementwise,
  infer: broadcastShapes,
};

/** PRelu: the slope broadcasts like a binary operand and is cut with the channels. */
export const preluSpec: OnnxOpFamily = {
  ops: ['PRelu'],
  params: (cfg) => (cfg.slots[1]?.kind === 'const' ? [{ slot: 1, name: 'slope', role: 'alpha' }] : []),
  analyze: elementwise,
  infer: broadcastShapes,
};

/** One-input functions (activations included): channels pass through; Clip's bounds are not weights. */
export const unarySpec: OnnxOpFamily = {
  ops: [
    'Identity',
    'Relu',
    'LeakyRelu',
    'Elu',
    'Selu',
    'Celu',
    'Sigmoid',
    'HardSigmoid',
    'HardSwish',
    'Tanh',
    'Softplus',
    'Softsign',
    'Clip',
    'Exp',
    'Log',
    'Neg',
    'Abs',
    'Sqrt',
    'Reciprocal',
    'Erf',
    'Floor',
    'Ceil',
    'Round',
    'Sign',
    'Cast',
    'Sin',
    'Cos',
    'Gelu',
    'Mish',
  ],
  analyze(ctx) {
    if (opConfig(ctx.node).slots[0]?.kind !== 'tensor') return freezeAll(ctx, 'reads an initializer');
    return { output: ctx.inputs[0] };
  },
  infer: sameAsInput,
};

/** Dropout (inference: identity); its mask output is frozen. */
export const dropoutSpec: OnnxOpFamily = {
  ops: ['Dropout'],
  analyze(ctx) {
    if (opConfig(ctx.node).outputIndex !== 0) return freezeAll(ctx, 'output is a dropout mask');
    return { output: ctx.inputs[0] };
  },
  infer: (ctx) => [[...need(ctx, 0)], [...need(ctx, 0)]],
};

const BN_PARAMS = ['scale', 'B', 'mean', 'var'] as const;

/** BatchNormalization (inference): scale, B, mean, var [C] are cut with the channels. */
export const batchNormSpec: OnnxOpFamily = {
  ops: ['BatchNormalization'],
  params: () => batchNormSlotParams(BN_PARAMS),
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    if (cfg.outputIndex !== 0 || cfg.attrs.training_mode === 1)
      return freezeAll(ctx, 'runs in training mode (batch statistics)');
    if (cfg.slots[0]?.kind !== 'tensor') return freezeAll(ctx, 'normalises an initializer');
    const through = [1, 2, 3, 4].filter(
      (i) => cfg.slots[i]?.kind === 'const' && (cfg.slots[i] as { param?: string }).param,
    );
    if (through.length !== 4) return freezeAll(ctx, 'takes its statistics from computed tensors');
    return {
      output: ctx.inputs[0],
      slices: BN_PARAMS.map((weight) => ({
        weight,
        axis: 0,
        side: 'out' as const,
        role: 'through' as const,
      })),
    };
  },
  infer: sameAsInput,
};
