/**
 * recipe.yaml: `@prunekit/recipe`'s sections (run, baseline, structured, unstructured, latency,
 * output) extended with this example's own; a bad field throws a RecipeError naming it.
 */
import {
  baselineSection,
  folder,
  int,
  latencySection,
  levels,
  loadRecipeFile,
  outputSection,
  parseRecipe as parse,
  positive,
  runSections,
  structuredSection,
} from '@prunekit/recipe';
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
    offPath: z.number({ error: 'a number ≥ 0' }).min(0, { error: 'a number ≥ 0' }),
  }),
  policy: z.strictObject({ filters: z.tuple([count, count, count]), dense: count }),
  baseline: baselineSection.extend({ epochs: steps, batchSize: count, lr: positive() }),
  guard: z.strictObject({
    metric: folder,
    maxDrop: z.number({ error: 'a number ≥ 0' }).min(0, { error: 'a number ≥ 0' }),
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
  safety: z.strictObject({
    maxRatio: positive(),
    confidence: z
      .number({ error: 'a number in (0, 1)' })
      .gt(0, { error: 'a number in (0, 1)' })
      .lt(1, { error: 'a number in (0, 1)' }),
    test: z.enum(['paired-bootstrap', 'poisson-exact']),
    guardBatch: count,
    guardEpisodes: count,
    daggerRounds: steps,
    daggerEpochs: count,
    daggerLr: positive(),
  }),
  latency: latencySection,
  goals: z.strictObject({
    successDropPoints: z.number({ error: 'a number ≥ 0' }).min(0, { error: 'a number ≥ 0' }),
    collisionRise: z.number({ error: 'a number ≥ 0' }).min(0, { error: 'a number ≥ 0' }),
  }),
  output: outputSection,
});

export type Recipe = z.infer<typeof schema>;

/** Parses and checks recipe text; `file` is named in every error. */
export function parseRecipe(text: string, file = 'recipe.yaml'): Recipe {
  return parse(schema, text, file);
}

export function loadRecipe(file: string): Recipe {
  return loadRecipeFile(schema, file);
}
