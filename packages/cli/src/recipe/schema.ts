/**
 * The recipe schema (zod). A recipe composes scorer + pruner (unstructured and/or channels, with
 * levels) + fine-tune + guard + export; every command-line option maps to one field here.
 * Custom messages are the "allowed" half of an error line: "<field> must be <message>, got <value>".
 */
import { z } from 'zod';

export const SCORER_NAMES = [
  'magnitude',
  'random',
  'taylor',
  'snip',
  'gradientMagnitude',
  'fisher',
  'fpgm',
  'lamp',
  'bnScale',
  'wanda',
  'apoz',
  'meanActivation',
] as const;
export type ScorerName = (typeof SCORER_NAMES)[number];

export const BACKENDS = ['wasm', 'cpu'] as const;

const int = (min: number, max: number) =>
  z
    .number({ error: `an integer in [${min}, ${max}]` })
    .int({ error: `an integer in [${min}, ${max}]` })
    .min(min, { error: `an integer in [${min}, ${max}]` })
    .max(max, { error: `an integer in [${min}, ${max}]` });

/** A fraction to prune, 0 ≤ r < 1. */
export const ratio = z
  .number({ error: 'a number in [0, 1) (fraction to prune)' })
  .min(0, { error: 'a number in [0, 1) (fraction to prune)' })
  .lt(1, { error: 'a number in [0, 1) (fraction to prune)' });

const positive = (what: string) => z.number({ error: what }).positive({ error: what });
const names = z.array(z.string({ error: 'a layer name' }), { error: 'a list of layer names' });

export const scorerSchema = z.strictObject({
  name: z.enum(SCORER_NAMES),
  p: z.union([z.literal(1), z.literal(2)], { error: '1 or 2' }).optional(),
  reduction: z.enum(['sum', 'mean', 'max', 'l2']).optional(),
  normalizer: z.enum(['none', 'mean', 'max', 'lamp']).optional(),
});

const levels = z
  .array(ratio, { error: 'a list of numbers in [0, 1)' })
  .min(1, { error: 'a non-empty list of numbers in [0, 1)' });

export const unstructuredSchema = z.strictObject({
  scorer: scorerSchema.default({ name: 'magnitude', p: 1 }),
  scope: z.enum(['global', 'local']).default('global'),
  ignore: names.default([]),
  levels: levels.optional(),
  ratio: ratio.optional(),
});

export const channelsSchema = z.strictObject({
  scorer: scorerSchema.default({ name: 'magnitude', p: 2 }),
  scope: z.enum(['global', 'local']).default('local'),
  ignore: names.default([]),
  levels: levels.optional(),
  ratio: ratio.optional(),
  roundTo: int(1, 1024).default(1),
  maxPerLayer: z
    .number({ error: 'a number in (0, 1]' })
    .gt(0, { error: 'a number in (0, 1]' })
    .max(1, { error: 'a number in (0, 1]' })
    .optional(),
});

export const finetuneSchema = z.strictObject({
  epochs: int(0, 10_000).default(0),
  batchSize: int(1, 65_536).default(64),
  lr: positive('a number > 0').default(1e-3),
  optimizer: z.enum(['adam', 'sgd', 'momentum']).default('adam'),
  earlyStopping: z
    .strictObject({
      monitor: z.enum(['val_acc', 'val_loss']).default('val_acc'),
      patience: int(0, 10_000).default(1),
      restoreBest: z.boolean({ error: 'true or false' }).default(true),
    })
    .optional(),
  regularizer: z
    .strictObject({
      type: z.enum(['lp', 'l1', 'l2', 'bnGammaL1']),
      lambda: positive('a number > 0'),
      p: positive('a number > 0').optional(),
    })
    .optional(),
  distill: z
    .strictObject({
      T: positive('a number > 0').default(4),
      alpha: z
        .number({ error: 'a number in [0, 1]' })
        .min(0, { error: 'a number in [0, 1]' })
        .max(1, { error: 'a number in [0, 1]' })
        .default(0.5),
    })
    .optional(),
});

export const dataSchema = z.strictObject({
  /** Module exporting generateDataset(count, seed); relative to the recipe file. */
  generator: z.string({ error: 'a path to a data module' }).optional(),
  val: int(1, 10_000_000).default(500),
  test: int(1, 10_000_000).default(1000),
  finetune: int(1, 10_000_000).default(2000),
  calibration: int(1, 100_000).default(128),
});

const fraction = z
  .number({ error: 'a number in [0, 1]' })
  .min(0, { error: 'a number in [0, 1]' })
  .max(1, { error: 'a number in [0, 1]' });

export const recipeSchema = z.strictObject({
  name: z.string({ error: 'a string' }).default('prunekit'),
  seed: int(0, 2 ** 32 - 1).default(0),
  /** The dense model (model.json), relative to the recipe file. */
  model: z.string({ error: 'a path to model.json' }).optional(),
  backend: z.enum(BACKENDS).default('wasm'),
  data: dataSchema.optional(),
  /** How the example trains its baseline; the CLI reads dir (default model) and epochs (data seeds). */
  baseline: z
    .strictObject({
      dir: z.string({ error: 'a folder' }).optional(),
      epochs: int(0, 100_000).optional(),
      trainSize: int(1, 10_000_000).optional(),
      batchSize: int(1, 65_536).optional(),
      lr: positive('a number > 0').optional(),
      lrDecay: positive('a number > 0').optional(),
    })
    .optional(),
  unstructured: unstructuredSchema.optional(),
  channels: channelsSchema.optional(),
  finetune: finetuneSchema.optional(),
  guard: z
    .strictObject({
      /** Largest allowed accuracy drop of any pruned model, in accuracy points (0.01 = 1 point). */
      maxAccuracyDrop: z
        .number({ error: 'a number in [0, 1]' })
        .min(0, { error: 'a number in [0, 1]' })
        .max(1, { error: 'a number in [0, 1]' }),
    })
    .optional(),
  export: z
    .strictObject({
      format: z.enum(['stock', 'sparse']).default('stock'),
      minSparsity: z
        .number({ error: 'a number in [0, 1]' })
        .min(0, { error: 'a number in [0, 1]' })
        .max(1, { error: 'a number in [0, 1]' })
        .optional(),
    })
    .optional(),
  bench: z
    .strictObject({
      backends: z
        .array(z.enum(BACKENDS))
        .min(1, { error: 'a non-empty list of wasm, cpu' })
        .default(['wasm']),
      runs: int(1, 10_000).default(15),
      batch: int(1, 4096).default(1),
    })
    .optional(),
  sensitivity: z
    .strictObject({
      ratios: z
        .array(
          z
            .number({ error: 'a number in (0, 1)' })
            .gt(0, { error: 'a number in (0, 1)' })
            .lt(1, { error: 'a number in (0, 1)' }),
        )
        .min(1, { error: 'a non-empty list of numbers in (0, 1)' })
        .default([0.25, 0.5, 0.75]),
      granularity: z.enum(['weights', 'channels']).default('weights'),
      scorer: scorerSchema.optional(),
      layers: names.optional(),
    })
    .optional(),
  output: z.strictObject({ dir: z.string({ error: 'a folder' }) }).optional(),
  report: z.strictObject({ html: z.boolean({ error: 'true or false' }).default(true) }).optional(),
  /**
   * The traffic-sign example's sparse-execution run (like `baseline`, a section an example reads):
   * the CLI checks its form so the example's recipe loads here too, and otherwise ignores it.
   */
  sparseE2e: z
    .strictObject({
      sparsity: fraction,
      scope: z.enum(['global', 'local']),
      layerSparsity: z.record(z.string(), fraction).optional(),
      minSparsity: fraction,
    })
    .partial()
    .optional(),
});

export type Recipe = z.infer<typeof recipeSchema>;
export type RecipeInput = z.input<typeof recipeSchema>;
export type ScorerConfig = z.infer<typeof scorerSchema>;
