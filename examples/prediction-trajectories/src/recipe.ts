/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming the file, the
 * field and what it must be.
 */
import {
  baselineSection,
  fraction,
  int,
  latencySection,
  levels,
  outputSection,
  positive,
  recipeFiles,
  runSections,
  structuredSection,
  unstructuredSection,
} from '@prunekit/recipe';
import { z } from 'zod';

const schema = z.strictObject({
  name: runSections.name,
  seed: int(0, 2 ** 31),
  data: z.strictObject({
    train: int(1, 1e6),
    finetune: int(1, 1e6),
    val: int(1, 1e6),
    test: int(1, 1e6),
    neighbours: int(0, 16),
  }),
  model: z.strictObject({
    filters: z
      .array(int(1, 1024), { error: 'a list of filter counts' })
      .min(1, { error: 'a non-empty list' }),
    kernelSize: int(1, 9),
    hidden: int(1, 4096),
  }),
  baseline: baselineSection.extend({ epochs: int(1, 1000), batchSize: int(1, 8192), lr: positive() }),
  structured: structuredSection.pick({ scope: true }).extend({
    macsReductions: z
      .array(z.number({ error: 'a number ≥ 1' }).min(1, { error: 'a number ≥ 1' }), { error: 'a list' })
      .min(1, { error: 'a non-empty list' }),
    roundTo: int(1, 64),
  }),
  unstructured: unstructuredSection.extend({ levels }),
  finetune: z.strictObject({
    epochs: int(0, 1000),
    batchSize: int(1, 8192),
    lr: positive(),
    patience: int(0, 1000),
    distill: fraction,
    control: z.boolean({ error: 'true or false' }),
  }),
  latency: latencySection,
  output: outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
