/**
 * The recipe: one strict object of sections. Examples add their own sections (and fields) with
 * `extendRecipe`, so every recipe in the repository is checked by the same field schemas.
 */
import { z } from 'zod';
import { pruningSections } from './pruning.js';
import {
  benchSection,
  budgetSection,
  dataSection,
  exportSection,
  finetuneSection,
  guardSection,
  outputSection,
  reportSection,
  runSections,
  sensitivitySection,
} from './sections.js';

/** Every section the prunekit command reads, by name. */
export const recipeSections = {
  ...runSections,
  data: dataSection.optional(),
  unstructured: pruningSections.unstructured.optional(),
  structured: pruningSections.structured.optional(),
  finetune: finetuneSection.optional(),
  guard: guardSection.optional(),
  export: exportSection.optional(),
  bench: benchSection.optional(),
  sensitivity: sensitivitySection.optional(),
  output: outputSection.optional(),
  report: reportSection.optional(),
  budget: budgetSection.optional(),
};

/** The recipe schema: the run fields and every section, unknown keys refused. */
export const recipeSchema = z.strictObject(recipeSections);
/** A validated recipe (defaults filled in). */
export type Recipe = z.output<typeof recipeSchema>;
/** A recipe as written, before validation fills in defaults. */
export type RecipeInput = z.input<typeof recipeSchema>;

/**
 * The recipe schema with more (or replaced) sections: `extendRecipe({ baseline: …, closedLoop: … })`.
 * A section given here replaces the one of the same name.
 */
export function extendRecipe<S extends z.core.$ZodLooseShape>(sections: S) {
  return recipeSchema.extend(sections);
}
