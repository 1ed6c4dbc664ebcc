/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import * as rc from '@prunekit/recipe';
import { recipeFiles } from '@prunekit/recipe/node';
import { safetySection } from '@prunekit/example-kit';
import { z } from 'zod';

const count = rc.int(1, 1e9);
const steps = rc.int(0, 1e9);

const schema = z.strictObject({
  name: rc.runSections.name,
  seed: rc.runSections.seed,
  observation: z.strictObject({ radius: rc.int(1, 8) }),
  data: z.strictObject({
    train: steps,
    finetune: steps,
    val: count,
    test: count,
    offPath: rc.nonNegative(),
  }),
  policy: z.strictObject({ filters: z.tuple([count, count, count]), dense: count }),
  baseline: rc.baselineSection.extend({ epochs: steps, batchSize: count, lr: rc.positive() }),
  guard: z.strictObject({
    metric: z.string({ error: 'a metric name' }).min(1, { error: 'a metric name' }),
    maxDrop: rc.nonNegative(),
    episodes: count,
    recovery: z.strictObject({ episodes: steps, epochs: steps, lr: rc.positive() }),
  }),
  structured: rc.structuredSection
    .pick({ scope: true, roundTo: true })
    .extend({ macsReduction: z.number({ error: 'a number ≥ 1' }).min(1, { error: 'a number ≥ 1' }) }),
  unstructured: z.strictObject({ levels: rc.levels }),
  finetune: z.strictObject({
    epochs: steps,
    daggerRounds: count,
    batchSize: count,
    lr: rc.positive(),
    alpha: z
      .number({ error: 'a number in [0, 1]' })
      .min(0, { error: 'a number in [0, 1]' })
      .max(1, { error: 'a number in [0, 1]' }),
    patience: steps,
  }),
  closedLoop: z.strictObject({
    batch: count,
    episodes: count,
    stepLimit: z.number({ error: 'a number ≥ 1' }).min(1, { error: 'a number ≥ 1' }),
  }),
  safety: safetySection.extend({ guardEpisodes: count }),
  latency: rc.latencySection,
  goals: z.strictObject({
    successDropPoints: rc.nonNegative(),
    collisionRise: rc.nonNegative(),
  }),
  output: rc.outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
