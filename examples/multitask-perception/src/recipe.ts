/** recipe.yaml, parsed and checked with zod; a bad field throws InvalidArgumentError naming it. */
import { checkRecipe, loadYamlRecipe } from '@prunekit/example-kit';
import { z } from 'zod';

const count = z.number().int().min(1).max(1_000_000);
const width = z.number().int().min(1).max(1024);
const positive = z.number().positive().finite();
const names = z.array(z.string().min(1));
/** One fine-tuning budget: epochs (0 = none) and peak learning rate. */
const stage = z.strictObject({ epochs: z.number().int().min(0).max(1000), lr: positive });

export const recipeSchema = z.strictObject({
  name: z.string().min(1),
  seed: z.number().int().min(0).max(4_000_000),
  data: z.strictObject({ train: count, finetune: count, val: count, test: count }),
  model: z.strictObject({
    backbone: z.tuple([width, width, width]),
    signHidden: width,
    laneHidden: z.tuple([width, width]),
  }),
  loss: z.strictObject({
    signWeight: z.number().min(0),
    laneWeight: z.number().min(0),
    laneClassWeights: z.array(positive).min(1),
  }),
  baseline: z.strictObject({
    dir: z.string().min(1),
    epochs: z.number().int().min(1).max(1000),
    batchSize: z.number().int().min(1).max(4096),
    lr: positive,
  }),
  structured: z.strictObject({
    macsReductions: z.array(z.number().gt(1)).min(1),
    roundTo: z.number().int().min(1).max(64),
    ignore: names,
  }),
  unstructured: z.strictObject({
    levels: z.array(z.number().gt(0).lt(1)).min(1),
    ignore: names,
  }),
  finetune: z.strictObject({
    batchSize: z.number().int().min(1).max(4096),
    structured: stage,
    unstructured: stage,
    /** Lane loss weight while fine-tuning (default: loss.laneWeight); chosen on validation scenes. */
    laneWeight: z.number().min(0).optional(),
    distill: z.strictObject({ alpha: z.number().min(0).max(1), T: positive }).optional(),
  }),
  latency: z.strictObject({ reps: z.number().int().min(1).max(100_000) }),
  output: z.strictObject({ dir: z.string().min(1) }),
});

export type Recipe = z.infer<typeof recipeSchema>;

/** Validates a parsed document; the first problem becomes an error naming the file and field. */
export function parseRecipe(doc: unknown, file = 'recipe.yaml'): Recipe {
  return checkRecipe(recipeSchema, doc, file);
}

export function loadRecipe(file: string): Recipe {
  return loadYamlRecipe(recipeSchema, file);
}
