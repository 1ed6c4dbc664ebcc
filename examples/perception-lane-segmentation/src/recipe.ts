/** recipe.yaml: parsed and checked with zod; a bad field throws InvalidArgumentError naming it. */
import { loadYamlRecipe, parseYamlRecipe } from '@prunekit/example-kit';
import { z } from 'zod';

const count = z.int().positive();
const rate = z.number().positive();

const schema = z.strictObject({
  name: z.string().min(1),
  seed: z.int().min(0),
  data: z.strictObject({
    height: z.int().min(8).max(256),
    width: z.int().min(8).max(256),
    train: count,
    finetune: count,
    val: count,
    test: count,
  }),
  model: z.strictObject({ widths: z.tuple([count, count, count]) }),
  loss: z.strictObject({ classWeights: z.array(rate).length(3) }),
  baseline: z.strictObject({ dir: z.string().min(1), epochs: count, batchSize: count, lr: rate }),
  structured: z.strictObject({
    macsReduction: z.number().gt(1),
    scope: z.enum(['local', 'global']),
    roundTo: count,
  }),
  unstructured: z.strictObject({ levels: z.array(z.number().gt(0).lt(1)).min(1) }),
  finetune: z.strictObject({
    batchSize: count,
    structured: z.strictObject({ epochs: z.int().min(0), lr: rate }),
    unstructured: z.strictObject({ epochs: z.int().min(0), lr: rate }),
  }),
  latency: z.strictObject({ reps: count }),
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
