/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import {
  baselineSection,
  int,
  latencySection,
  levels,
  outputSection,
  nonNegative,
  positive,
  recipeFiles,
  runSections,
  structuredSection,
} from '@prunekit/recipe';
import { safetySection } from '@prunekit/example-kit';
import { z } from 'zod';

const rows = int(0, 1e9);
const count = int(1, 1e9);

const schema = z.strictObject({
  name: runSections.name,
  seed: runSections.seed,
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
  baseline: baselineSection.extend({ epochs: rows, batchSize: count, lr: positive() }),
  guard: z.strictObject({
    metric: z.string({ error: 'a metric name' }).min(1, { error: 'a metric name' }),
    maxDrop: nonNegative(),
    recovery: z.strictObject({ rows, epochs: rows, lr: positive() }),
  }),
  structured: structuredSection.pick({ scope: true, roundTo: true }).extend({ macsReduction: positive() }),
  unstructured: z.strictObject({ levels }),
  finetune: z.strictObject({ epochs: rows, batchSize: count, lr: positive(), patience: rows }),
  closedLoop: z.strictObject({
    worlds: count,
    steps: count,
    egos: count,
    nearMissTtc: positive('a positive number (s)'),
  }),
  safety: safetySection.extend({ guardWorlds: count }),
  latency: latencySection,
  output: outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
