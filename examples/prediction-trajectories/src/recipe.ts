/**
 * recipe.yaml, validated with zod: a bad field throws InvalidArgumentError naming the file, the
 * field and what it must be (the schema's messages say what a field must be).
 */
import { loadYamlRecipe, parseYamlRecipe } from '@prunekit/example-kit';
import { z } from 'zod';

const int = (min: number, max: number) => {
  const what = `an integer in [${min}, ${max}]`;
  return z.number({ error: what }).int({ error: what }).min(min, { error: what }).max(max, { error: what });
};
const positive = z.number({ error: 'a number > 0' }).positive({ error: 'a number > 0' });
const fraction = z
  .number({ error: 'a fraction in [0, 1)' })
  .min(0, { error: 'a fraction in [0, 1)' })
  .lt(1, { error: 'a fraction in [0, 1)' });
const folder = z.string({ error: 'a folder' }).min(1, { error: 'a folder' });

const schema = z.strictObject({
  name: z.string({ error: 'a name' }).min(1, { error: 'a name' }),
  seed: int(0, 2 ** 31),
  data: z.strictObject({
    train: int(1, 1e6),
    finetune: int(1, 1e6),
    val: int(1, 1e6),
    test: int(1, 1e6),
    neighbours: int(0, 16),
  }),
  model: z.strictObject({
    filters: z
      .array(int(1, 1024), { error: 'a list of filter counts' })
      .min(1, { error: 'a non-empty list' }),
    kernelSize: int(1, 9),
    hidden: int(1, 4096),
  }),
  baseline: z.strictObject({
    dir: folder,
    epochs: int(1, 1000),
    batchSize: int(1, 8192),
    lr: positive,
  }),
  structured: z.strictObject({
    macsReductions: z
      .array(z.number({ error: 'a number ≥ 1' }).min(1, { error: 'a number ≥ 1' }), { error: 'a list' })
      .min(1, { error: 'a non-empty list' }),
    scope: z.enum(['local', 'global'], { error: "'local' or 'global'" }),
    roundTo: int(1, 64),
  }),
  unstructured: z.strictObject({
    levels: z.array(fraction, { error: 'a list of fractions' }).min(1, { error: 'a non-empty list' }),
  }),
  finetune: z.strictObject({
    epochs: int(0, 1000),
    batchSize: int(1, 8192),
    lr: positive,
    patience: int(0, 1000),
    distill: z
      .number({ error: 'a weight in [0, 1]' })
      .min(0, { error: 'a weight in [0, 1]' })
      .max(1, { error: 'a weight in [0, 1]' }),
    control: z.boolean({ error: 'true or false' }),
  }),
  latency: z.strictObject({ reps: int(1, 100000) }),
  output: z.strictObject({ dir: folder }),
});

export type Recipe = z.infer<typeof schema>;

/** Parses and checks recipe text; `file` is named in every error. */
export function parseRecipe(text: string, file = 'recipe.yaml'): Recipe {
  return parseYamlRecipe(schema, text, file);
}

export function loadRecipe(file: string): Recipe {
  return loadYamlRecipe(schema, file);
}
