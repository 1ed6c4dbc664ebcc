/** recipe.yaml: parsed and checked with zod; a bad field throws InvalidArgumentError naming it. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@prunekit/core';
import { parse } from 'yaml';
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

const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(root)';

export function parseRecipe(text: string, file = 'recipe.yaml'): Recipe {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`${file}: not valid YAML (${(e as Error).message}); fix the syntax.`, {
      file,
    });
  }
  const res = schema.safeParse(doc);
  if (!res.success) {
    const issue = res.error.issues[0];
    const field = fieldOf(issue.path);
    throw new InvalidArgumentError(
      `${file}: field '${field}' is invalid (${issue.message}); see recipe.yaml in this example for the expected form.`,
      { file, field },
    );
  }
  return res.data;
}

export function loadRecipe(file: string): Recipe {
  return parseRecipe(readFileSync(file, 'utf8'), file);
}
