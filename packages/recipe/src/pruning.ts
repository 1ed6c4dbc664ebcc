/**
 * The two pruning sections: `unstructured` (masks: element, N:M or block granularity, one-shot or
 * in `steps` rounds following a schedule) and `structured` (channels removed by surgery, in
 * `steps` rounds). Either may name a pruner from another package (`pruner: { module, export }`).
 */
import { z } from 'zod';
import { int, levels, moduleRef, names, ratio, scope } from './fields.js';
import { scorerField } from './scorer.js';

const blockSize = int(1, 1024);

/** What one pruning decision removes: single weights, N of every M, or rows×cols blocks. */
export const granularitySchema = z.union(
  [
    z.literal('element').transform(() => ({ kind: 'element' as const })),
    z.strictObject({ kind: z.literal('element') }),
    z.strictObject({ kind: z.literal('nm'), n: int(1, 255), m: int(1, 255) }),
    z.strictObject({ kind: z.literal('block'), rows: blockSize, cols: blockSize }),
  ],
  { error: 'element, { kind: nm, n, m } (e.g. 2 of 4) or { kind: block, rows, cols } (e.g. 4×1)' },
);
/** The unstructured section's granularity once parsed: element, N:M (n of every m) or rows × cols blocks. */
export type GranularityConfig = z.output<typeof granularitySchema>;

const step = int(0, 1_000_000);

/**
 * How the target sparsity of a level is reached over the pruning rounds; the level is the
 * schedule's final sparsity (so one schedule serves every level). Rounds are steps 0, 1, …,
 * steps − 1 of the schedule; each round prunes and then fine-tunes.
 */
export const scheduleSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('oneShot'), step: step.default(0) }),
    z.strictObject({
      type: z.literal('constantSparsity'),
      begin: step.default(0),
      end: step.optional(),
      frequency: int(1, 1_000_000).default(1),
    }),
    z.strictObject({
      type: z.literal('polynomialDecay'),
      initial: ratio.default(0),
      begin: step.default(0),
      end: step,
      frequency: int(1, 1_000_000).default(1),
      power: z.number({ error: 'a number > 0' }).positive({ error: 'a number > 0' }).default(3),
    }),
    z.strictObject({
      type: z.literal('linearIterative'),
      steps: z.array(step, { error: 'a list of step numbers' }).min(1).optional(),
    }),
    // Iterative pruning with rewinding: round r (of `steps`) prunes to 1 − (1 − level)^(r/steps) and
    // resets the surviving weights to the dense model's before its fine-tuning.
    z.strictObject({ type: z.literal('lotteryTicket') }),
  ],
  {
    error:
      'a schedule: { type: oneShot | constantSparsity | polynomialDecay | linearIterative | lotteryTicket, … }',
  },
);
/** The unstructured section's schedule once parsed (see scheduleSchema). */
export type ScheduleConfig = z.output<typeof scheduleSchema>;

/** A pruner factory from another package: `(graph, options) => Pruner`. */
export const prunerRefSchema = z.strictObject({
  ...moduleRef,
  options: z.record(z.string(), z.unknown(), { error: 'a mapping of options' }).default({}),
});
/** A parsed `pruner: { module, export, options }`: a pruner factory from another package. */
export type PrunerRef = z.output<typeof prunerRefSchema>;

/** Pruning rounds per level (plan → apply → fine-tune, repeated). */
const steps = int(1, 1000).default(1);

/**
 * The `unstructured` section: scorer, scope, ignored layers, levels or ratio, granularity, schedule,
 * steps and an optional pruner module.
 */
export const unstructuredSection = z.strictObject({
  scorer: scorerField({ name: 'magnitude', p: 1 }),
  scope: scope('global'),
  ignore: names.default([]),
  levels: levels.optional(),
  ratio: ratio.optional(),
  granularity: granularitySchema.default({ kind: 'element' }),
  steps,
  schedule: scheduleSchema.optional(),
  pruner: prunerRefSchema.optional(),
});

/**
 * The `structured` section: scorer, scope, ignored layers, levels or ratio, channel rounding, per-layer
 * cap, steps and an optional pruner module.
 */
export const structuredSection = z.strictObject({
  scorer: scorerField({ name: 'magnitude', p: 2 }),
  scope: scope('local'),
  ignore: names.default([]),
  levels: levels.optional(),
  ratio: ratio.optional(),
  roundTo: int(1, 1024).default(1),
  maxPerLayer: z
    .number({ error: 'a number in (0, 1]' })
    .gt(0, { error: 'a number in (0, 1]' })
    .max(1, { error: 'a number in (0, 1]' })
    .optional(),
  steps,
  pruner: prunerRefSchema.optional(),
});

/** The two pruning sections by recipe key: `unstructured` and `structured`. */
export const pruningSections = { unstructured: unstructuredSection, structured: structuredSection };
/** The `unstructured` section once parsed (defaults filled in). */
export type UnstructuredConfig = z.output<typeof unstructuredSection>;
/** The `structured` section once parsed (defaults filled in). */
export type StructuredConfig = z.output<typeof structuredSection>;
