/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import {
  baselineSection,
  int,
  latencySection,
  outputSection,
  positive,
  recipeFiles,
  ratio,
  runSections,
  structuredSection,
  unstructuredSection,
} from '@prunekit/recipe';
import { z } from 'zod';

const count = int(1, 1e9);
const epochs = int(0, 1e6);
const stage = z.strictObject({ epochs, lr: positive() });

const schema = z.strictObject({
  name: runSections.name,
  seed: runSections.seed,
  data: z.strictObject({
    height: int(8, 256),
    width: int(8, 256),
    train: count,
    finetune: count,
    val: count,
    test: count,
  }),
  model: z.strictObject({ widths: z.tuple([count, count, count]) }),
  loss: z.strictObject({ classWeights: z.array(positive()).length(3, { error: 'three weights' }) }),
  baseline: baselineSection.extend({ epochs: count, batchSize: count, lr: positive() }),
  structured: structuredSection
    .pick({ scope: true, roundTo: true })
    .extend({ macsReduction: z.number({ error: 'a number > 1' }).gt(1, { error: 'a number > 1' }) }),
  unstructured: unstructuredSection.extend({
    levels: z
      .array(ratio.gt(0, { error: 'a number in (0, 1)' }), { error: 'a list of numbers in (0, 1)' })
      .min(1, { error: 'a non-empty list of numbers in (0, 1)' }),
  }),
  finetune: z.strictObject({ batchSize: count, structured: stage, unstructured: stage }),
  latency: latencySection,
  output: outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
