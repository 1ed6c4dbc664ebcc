/** recipe.yaml: parsed and checked with a zod schema; a bad field throws InvalidArgumentError naming it. */
import { loadYamlRecipe, parseYamlRecipe } from '@prunekit/example-kit';
import { z } from 'zod';

const count = z.number().int().min(1);
const rate = z.number().positive();

const schema = z.strictObject({
  name: z.string().min(1),
  seed: z.number().int().min(0),
  observation: z.strictObject({ radius: z.number().int().min(1).max(8) }),
  data: z.strictObject({
    train: z.number().int().min(0),
    finetune: z.number().int().min(0),
    val: count,
    test: count,
    offPath: z.number().min(0),
  }),
  policy: z.strictObject({ filters: z.tuple([count, count, count]), dense: count }),
  baseline: z.strictObject({
    dir: z.string().min(1),
    epochs: z.number().int().min(0),
    batchSize: count,
    lr: rate,
  }),
  guard: z.strictObject({
    metric: z.string().min(1),
    maxDrop: z.number().min(0),
    episodes: count,
    recovery: z.strictObject({
      episodes: z.number().int().min(0),
      epochs: z.number().int().min(0),
      lr: rate,
    }),
  }),
  structured: z.strictObject({
    macsReduction: z.number().min(1),
    scope: z.enum(['local', 'global']),
    roundTo: count,
  }),
  unstructured: z.strictObject({ levels: z.array(z.number().min(0).lt(1)).min(1) }),
  finetune: z.strictObject({
    epochs: z.number().int().min(0),
    daggerRounds: count,
    batchSize: count,
    lr: rate,
    alpha: z.number().min(0).max(1),
    patience: z.number().int().min(0),
  }),
  closedLoop: z.strictObject({ episodes: count, stepLimit: z.number().min(1) }),
  safety: z.strictObject({
    maxRatio: z.number().positive(),
    confidence: z.number().gt(0).lt(1),
    test: z.enum(['paired-bootstrap', 'poisson-exact']),
    guardBatch: count,
    guardEpisodes: count,
    daggerRounds: z.number().int().min(0),
    daggerEpochs: count,
    daggerLr: rate,
  }),
  latency: z.strictObject({ reps: count }),
  goals: z.strictObject({ successDropPoints: z.number().min(0), collisionRise: z.number().min(0) }),
  output: z.strictObject({ dir: z.string().min(1) }),
});

export type Recipe = z.infer<typeof schema>;

/** Parses and checks recipe text; `file` is named in every error. */
export function parseRecipe(text: string, file = 'recipe.yaml'): Recipe {
  return parseYamlRecipe(schema, text, file);
}

export function loadRecipe(file: string): Recipe {
  return loadYamlRecipe(schema, file);
}
