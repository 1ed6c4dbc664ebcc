/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import * as rc from '@prunekit/recipe';
import { recipeFiles } from '@prunekit/recipe/node';
import { safetySection } from '@prunekit/example-kit';
import { z } from 'zod';

const rows = rc.int(0, 1e9);
const count = rc.int(1, 1e9);

const schema = z.strictObject({
  name: rc.runSections.name,
  seed: rc.runSections.seed,
  data: z.strictObject({
    train: rows,
    finetune: rows,
    val: count,
    test: count,
    repeat: z
      .array(rows, { error: 'five integers (keep, left, right, brake, accelerate)' })
      .length(5, { error: 'five integers (keep, left, right, brake, accelerate)' }),
  }),
  policy: z.strictObject({ hidden: z.array(count, { error: 'a list of positive widths' }).min(1) }),
  baseline: rc.baselineSection.extend({ epochs: rows, batchSize: count, lr: rc.positive() }),
  guard: z.strictObject({
    metric: z.string({ error: 'a metric name' }).min(1, { error: 'a metric name' }),
    maxDrop: rc.nonNegative(),
    recovery: z.strictObject({ rows, epochs: rows, lr: rc.positive() }),
  }),
  structured: rc.structuredSection
    .pick({ scope: true, roundTo: true })
    .extend({ macsReduction: rc.positive() }),
  unstructured: z.strictObject({ levels: rc.levels }),
  finetune: z.strictObject({ epochs: rows, batchSize: count, lr: rc.positive(), patience: rows }),
  closedLoop: z.strictObject({
    worlds: count,
    maxWorlds: count,
    steps: count,
    egos: count,
    nearMissTtc: rc.positive('a positive number (s)'),
    hardBrake: rc.positive('a positive number (m/s²)'),
    hardBrakeWindow: rc.positive('a positive number (s)'),
  }),
  safety: safetySection.extend({ guardWorlds: count }),
  latency: rc.latencySection,
  output: rc.outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
