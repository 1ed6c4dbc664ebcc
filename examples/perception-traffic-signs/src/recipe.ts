/**
 * The recipe: what `start` runs, read from recipe.yaml. It is `@prunekit/recipe`'s schema (so the
 * prunekit command reads this file too) with this example's sections: `baseline` (how the committed
 * model was trained) and `sparseE2e` (the sparse-execution run). A bad field is a RecipeError
 * naming the file and the field.
 */
import * as rc from '@prunekit/recipe';
import { recipeFiles } from '@prunekit/recipe/node';
import { z } from 'zod';

const sparsity = z
  .number({ error: 'a number in [0, 0.999]' })
  .min(0, { error: 'a number in [0, 0.999]' })
  .max(0.999, { error: 'a number in [0, 0.999]' });

/** The sparse-execution run (src/runs/sparse_e2e.ts); defaults when the section is absent. */
const sparseE2eSection = z.strictObject({
  /** Zeros in the prunable kernels of the model that is converted and timed. */
  sparsity: sparsity.default(0.9),
  /**
   * 'local': every prunable layer pruned to `sparsity` on its own (pruned and fine-tuned in the run);
   * 'global': one magnitude threshold over all layers, as the unstructured run (whose model is reused).
   */
  scope: z.enum(['global', 'local']).default('local'),
  /** Per-layer sparsity overriding `sparsity` for the named layers (pruned locally). */
  layerSparsity: z.record(z.string(), sparsity).default({}),
  /** Layers with at least this fraction of zeros become sparse layers. */
  minSparsity: rc.fraction.default(0.5),
});

const schema = rc.extendRecipe({
  seed: rc.int(0, 4_000_000),
  data: rc.dataSection.pick({ val: true, test: true, finetune: true }),
  baseline: rc.baselineSection.extend({
    epochs: rc.int(1, 1000),
    trainSize: rc.int(1, 1e6),
    batchSize: rc.int(1, 4096),
    lr: rc.positive(),
    lrDecay: z
      .number({ error: 'a number in [0.001, 1]' })
      .min(1e-3)
      .max(1, { error: 'a number in [0.001, 1]' }),
  }),
  unstructured: rc.unstructuredSection.extend({ levels: rc.levels }),
  finetune: rc.finetuneSection
    .pick({ epochs: true, batchSize: true, lr: true })
    .extend({ earlyStopping: rc.finetuneSection.shape.earlyStopping.unwrap() }),
  output: rc.outputSection,
  sparseE2e: sparseE2eSection.prefault({}),
});

export type Recipe = z.output<typeof schema>;
export type SparseE2eRecipe = Recipe['sparseE2e'];

/** parseRecipe(doc, source?) checks parsed YAML, loadRecipe(file) reads a file; errors name the file and field. */
export const { checkRecipe: parseRecipe, loadRecipe } = recipeFiles(schema);
