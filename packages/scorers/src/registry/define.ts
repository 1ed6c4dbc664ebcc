/** The shape of a scorer registry entry, and the option schemas the built-in entries share. */
import type { Scorer } from '@prunekit/core';
import { z } from 'zod';

/** A scorer in the registry: its recipe name, a summary line, the options schema and a factory. */
export interface ScorerEntry<O = Record<string, unknown>> {
  /** The name recipes use (`scorer: { name: taylor }`). */
  readonly name: string;
  /** One line for help texts and docs. */
  readonly summary: string;
  /** The options a recipe may set beside `name` (a strict object schema). */
  readonly options: z.ZodType<O>;
  create(options: O): Scorer;
}

/** A typed entry (the options' type follows the schema). */
export function defineScorer<S extends z.ZodType<Record<string, unknown>>>(entry: {
  readonly name: string;
  readonly summary: string;
  readonly options: S;
  create(options: z.output<S>): Scorer;
}): ScorerEntry {
  return entry as unknown as ScorerEntry;
}

/** Option schemas shared by the built-in entries. */
export const scorerOptions = {
  reduction: z.enum(['sum', 'mean', 'max', 'l2']).optional(),
  normalizer: z.enum(['none', 'mean', 'max', 'lamp']).optional(),
  bias: z.boolean({ error: 'true or false' }).optional(),
  p: z.union([z.literal(1), z.literal(2)], { error: '1 or 2' }).optional(),
  seed: z
    .number({ error: 'an integer in [0, 4294967295]' })
    .int({ error: 'an integer in [0, 4294967295]' })
    .min(0, { error: 'an integer in [0, 4294967295]' })
    .max(0xffffffff, { error: 'an integer in [0, 4294967295]' })
    .optional(),
};

/** The group settings every criterion takes: reduction, normalizer, bias. */
export const groupOptionsSchema = z.strictObject({
  reduction: scorerOptions.reduction,
  normalizer: scorerOptions.normalizer,
  bias: scorerOptions.bias,
});
