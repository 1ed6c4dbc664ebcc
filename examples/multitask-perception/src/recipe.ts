/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import * as rc from '@prunekit/recipe';
import { recipeFiles } from '@prunekit/recipe/node';
import { z } from 'zod';

const count = rc.int(1, 1_000_000);
const width = rc.int(1, 1024);
const weight = z.number({ error: 'a number ≥ 0' }).min(0, { error: 'a number ≥ 0' });
/** One fine-tuning budget: epochs (0 = none) and peak learning rate. */
const stage = z.strictObject({ epochs: rc.int(0, 1000), lr: rc.positive() });

export const recipeSchema = z.strictObject({
  name: rc.runSections.name,
  seed: rc.int(0, 4_000_000),
  data: z.strictObject({ train: count, finetune: count, val: count, test: count }),
  model: z.strictObject({
    backbone: z.tuple([width, width, width]),
    signHidden: width,
    laneHidden: z.tuple([width, width]),
  }),
  loss: z.strictObject({
    signWeight: weight,
    laneWeight: weight,
    laneClassWeights: z.array(rc.positive()).min(1, { error: 'a non-empty list of numbers > 0' }),
  }),
  baseline: rc.baselineSection.extend({
    epochs: rc.int(1, 1000),
    batchSize: rc.int(1, 4096),
    lr: rc.positive(),
  }),
  structured: rc.structuredSection.pick({ ignore: true }).extend({
    macsReductions: z
      .array(z.number({ error: 'a number > 1' }).gt(1, { error: 'a number > 1' }))
      .min(1, { error: 'a non-empty list of numbers > 1' }),
    roundTo: rc.int(1, 64),
  }),
  unstructured: rc.unstructuredSection.extend({
    levels: z.array(rc.ratio.gt(0, { error: 'a number in (0, 1)' })).min(1, { error: 'a non-empty list' }),
  }),
  finetune: z.strictObject({
    batchSize: rc.int(1, 4096),
    structured: stage,
    unstructured: stage,
    /** Lane loss weight while fine-tuning (default: loss.laneWeight); chosen on validation scenes. */
    laneWeight: weight.optional(),
    distill: z.strictObject({ alpha: rc.fraction, T: rc.positive() }).optional(),
  }),
  latency: rc.latencySection,
  output: rc.outputSection,
});

export type Recipe = z.output<typeof recipeSchema>;

/** parseRecipe(doc, file?) checks a parsed document, loadRecipe(file) reads one; errors name the file and field. */
export const { checkRecipe: parseRecipe, loadRecipe } = recipeFiles(recipeSchema);
