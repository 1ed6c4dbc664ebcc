/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import {
  baselineSection,
  fraction,
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

const count = int(1, 1_000_000);
const width = int(1, 1024);
const weight = z.number({ error: 'a number ≥ 0' }).min(0, { error: 'a number ≥ 0' });
/** One fine-tuning budget: epochs (0 = none) and peak learning rate. */
const stage = z.strictObject({ epochs: int(0, 1000), lr: positive() });

export const recipeSchema = z.strictObject({
  name: runSections.name,
  seed: int(0, 4_000_000),
  data: z.strictObject({ train: count, finetune: count, val: count, test: count }),
  model: z.strictObject({
    backbone: z.tuple([width, width, width]),
    signHidden: width,
    laneHidden: z.tuple([width, width]),
  }),
  loss: z.strictObject({
    signWeight: weight,
    laneWeight: weight,
    laneClassWeights: z.array(positive()).min(1, { error: 'a non-empty list of numbers > 0' }),
  }),
  baseline: baselineSection.extend({ epochs: int(1, 1000), batchSize: int(1, 4096), lr: positive() }),
  structured: structuredSection.pick({ ignore: true }).extend({
    macsReductions: z
      .array(z.number({ error: 'a number > 1' }).gt(1, { error: 'a number > 1' }))
      .min(1, { error: 'a non-empty list of numbers > 1' }),
    roundTo: int(1, 64),
  }),
  unstructured: unstructuredSection.extend({
    levels: z.array(ratio.gt(0, { error: 'a number in (0, 1)' })).min(1, { error: 'a non-empty list' }),
  }),
  finetune: z.strictObject({
    batchSize: int(1, 4096),
    structured: stage,
    unstructured: stage,
    /** Lane loss weight while fine-tuning (default: loss.laneWeight); chosen on validation scenes. */
    laneWeight: weight.optional(),
    distill: z.strictObject({ alpha: fraction, T: positive() }).optional(),
  }),
  latency: latencySection,
  output: outputSection,
});

export type Recipe = z.output<typeof recipeSchema>;

/** parseRecipe(doc, file?) checks a parsed document, loadRecipe(file) reads one; errors name the file and field. */
export const { checkRecipe: parseRecipe, loadRecipe } = recipeFiles(recipeSchema);
