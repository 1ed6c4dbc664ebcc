/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming the file, the
 * field and what it must be.
 */
import * as rc from '@prunekit/recipe';
import { recipeFiles } from '@prunekit/recipe/node';
import { z } from 'zod';

const schema = z.strictObject({
  name: rc.runSections.name,
  seed: rc.int(0, 2 ** 31),
  data: z.strictObject({
    train: rc.int(1, 1e6),
    finetune: rc.int(1, 1e6),
    val: rc.int(1, 1e6),
    test: rc.int(1, 1e6),
    neighbours: rc.int(0, 16),
  }),
  model: z.strictObject({
    filters: z
      .array(rc.int(1, 1024), { error: 'a list of filter counts' })
      .min(1, { error: 'a non-empty list' }),
    kernelSize: rc.int(1, 9),
    hidden: rc.int(1, 4096),
  }),
  baseline: rc.baselineSection.extend({
    epochs: rc.int(1, 1000),
    batchSize: rc.int(1, 8192),
    lr: rc.positive(),
  }),
  structured: rc.structuredSection.pick({ scope: true }).extend({
    macsReductions: z
      .array(z.number({ error: 'a number ≥ 1' }).min(1, { error: 'a number ≥ 1' }), { error: 'a list' })
      .min(1, { error: 'a non-empty list' }),
    roundTo: rc.int(1, 64),
  }),
  unstructured: rc.unstructuredSection.extend({ levels: rc.levels }),
  finetune: z.strictObject({
    epochs: rc.int(0, 1000),
    batchSize: rc.int(1, 8192),
    lr: rc.positive(),
    patience: rc.int(0, 1000),
    distill: rc.fraction,
    control: z.boolean({ error: 'true or false' }),
  }),
  latency: rc.latencySection,
  output: rc.outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
