/**
 * Field schemas the sections share. Each custom message is the "allowed" half of an error line:
 * "<field> must be <message>, got <value>".
 */
import { z } from 'zod';

/** An integer in [min, max], both included. */
export const int = (min: number, max: number) =>
  z
    .number({ error: `an integer in [${min}, ${max}]` })
    .int({ error: `an integer in [${min}, ${max}]` })
    .min(min, { error: `an integer in [${min}, ${max}]` })
    .max(max, { error: `an integer in [${min}, ${max}]` });

/** A fraction to prune, 0 ≤ r < 1. */
export const ratio = z
  .number({ error: 'a number in [0, 1) (fraction to prune)' })
  .min(0, { error: 'a number in [0, 1) (fraction to prune)' })
  .lt(1, { error: 'a number in [0, 1) (fraction to prune)' });

/** A number in [0, 1]. */
export const fraction = z
  .number({ error: 'a number in [0, 1]' })
  .min(0, { error: 'a number in [0, 1]' })
  .max(1, { error: 'a number in [0, 1]' });

/** A number > 0; `what` is the allowed-values half of the error message. */
export const positive = (what = 'a number > 0') => z.number({ error: what }).positive({ error: what });

/** A number ≥ 0; `what` is the allowed-values half of the error message. */
export const nonNegative = (what = 'a number ≥ 0') => z.number({ error: what }).min(0, { error: what });

/** A number strictly between 0 and 1 (a confidence, a probability). */
export const openFraction = z
  .number({ error: 'a number in (0, 1)' })
  .gt(0, { error: 'a number in (0, 1)' })
  .lt(1, { error: 'a number in (0, 1)' });

/** A list of layer names (e.g. a section's `ignore`). */
export const names = z.array(z.string({ error: 'a layer name' }), { error: 'a list of layer names' });

/** Target levels of one pruning method, e.g. [0, 0.5, 0.8]; 0 is the dense model. */
export const levels = z
  .array(ratio, { error: 'a list of numbers in [0, 1)' })
  .min(1, { error: 'a non-empty list of numbers in [0, 1)' });

export const scope = (dflt: 'global' | 'local') => z.enum(['global', 'local']).default(dflt);

/** A non-empty folder path (relative paths resolve against the recipe's folder). */
export const folder = z.string({ error: 'a folder' }).min(1, { error: 'a folder' });

/** A third-party module and one of its exports: `{ module: 'pkg' or './file.js', export: 'name' }`. */
export const moduleRef = {
  module: z.string({ error: 'a package name or a path relative to the recipe' }).min(1),
  export: z.string({ error: 'the name of an export of the module' }).min(1).default('default'),
};
