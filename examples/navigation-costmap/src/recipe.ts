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

const count = int(1, 1e9);
const steps = int(0, 1e9);

const schema = z.strictObject({
  name: runSections.name,
  seed: runSections.seed,
  observation: z.strictObject({ radius: int(1, 8) }),
  data: z.strictObject({
    train: steps,
    finetune: steps,
    val: count,
    test: count,
    offPath: nonNegative(),
  }),
  policy: z.strictObject({ filters: z.tuple([count, count, count]), dense: count }),
  baseline: baselineSection.extend({ epochs: steps, batchSize: count, lr: positive() }),
  guard: z.strictObject({
    metric: z.string({ error: 'a metric name' }).min(1, { error: 'a metric name' }),
    maxDrop: nonNegative(),
    episodes: count,
    recovery: z.strictObject({ episodes: steps, epochs: steps, lr: positive() }),
  }),
  structured: structuredSection
    .pick({ scope: true, roundTo: true })
    .extend({ macsReduction: z.number({ error: 'a number ≥ 1' }).min(1, { error: 'a number ≥ 1' }) }),
  unstructured: z.strictObject({ levels }),
  finetune: z.strictObject({
    epochs: steps,
    daggerRounds: count,
    batchSize: count,
    lr: positive(),
    alpha: z
      .number({ error: 'a number in [0, 1]' })
      .min(0, { error: 'a number in [0, 1]' })
      .max(1, { error: 'a number in [0, 1]' }),
    patience: steps,
  }),
  closedLoop: z.strictObject({
    episodes: count,
    stepLimit: z.number({ error: 'a number ≥ 1' }).min(1, { error: 'a number ≥ 1' }),
  }),
  safety: safetySection.extend({ guardEpisodes: count }),
  latency: latencySection,
  goals: z.strictObject({
    successDropPoints: nonNegative(),
    collisionRise: nonNegative(),
  }),
  output: outputSection,
});

export type Recipe = z.output<typeof schema>;

/** parseRecipe(text, file?) and loadRecipe(file): a bad field is a RecipeError naming the file and the field. */
export const { parseRecipe, loadRecipe } = recipeFiles(schema);
