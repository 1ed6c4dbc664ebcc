/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import * as rc from '@prunekit/recipe';
import { recipeFiles } from '@prunekit/recipe/node';
import { z } from 'zod';

const count = rc.int(1, 1e9);
const epochs = rc.int(0, 1e6);
const stage = z.strictObject({ epochs, lr: rc.positive() });

const schema = z.strictObject({
  name: rc.runSections.name,
  seed: rc.runSections.seed,
  data: z.strictObject({
    height: rc.int(8, 256),
    width: rc.int(8, 256),
    train: count,
    finetune: count,
    val: count,
    test: count,
  }),
  model: z.strictObject({ widths: z.tuple([count, count, count]) }),
  loss: z.strictObject({ classWeights: z.array(rc.positive()).length(3, { error: 'three weights' }) }),
  baseline: rc.baselineSection.extend({ epochs: count, batchSize: count, lr: rc.positive() }),
  structured: rc.structuredSection
    .pick({ scope: true, roundTo: true })
    .extend({ macsReduction: z.number({ error: 'a number > 1' }).gt(1, { error: 'a number > 1' }) }),
  unstructured: rc.unstructuredSection.extend({
    levels: z
      .array(rc.ratio.gt(0, { error: 'a number in (0, 1)' }), { error: 'a list of numbers in (0, 1)' })
      .min(1, { error: 'a non-empty list of numbers in (0, 1)' }),
  }),
  finetune: z.strictObject({ batchSize: count, structured: stage, unstructured: stage }),
  latency: rc.latencySection,
  output: rc.outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
