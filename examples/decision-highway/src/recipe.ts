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
    metric: folder,
    maxDrop: z.number({ error: 'a number ≥ 0' }).min(0, { error: 'a number ≥ 0' }),
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
  safety: z.strictObject({
    maxRatio: positive(),
    confidence: z
      .number({ error: 'a number in (0, 1)' })
      .gt(0, { error: 'a number in (0, 1)' })
      .lt(1, { error: 'a number in (0, 1)' }),
    test: z.enum(['paired-bootstrap', 'poisson-exact']),
    guardBatch: count,
    guardWorlds: count,
    daggerRounds: rows,
    daggerEpochs: count,
    daggerLr: positive(),
  }),
  latency: latencySection,
  output: outputSection,
});

export type Recipe = z.infer<typeof schema>;

export function parseRecipe(text: string, file = 'recipe.yaml'): Recipe {
  return parse(schema, text, file);
}

export function loadRecipe(file: string): Recipe {
  return loadRecipeFile(schema, file);
}
