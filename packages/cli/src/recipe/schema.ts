/**
 * The recipe the prunekit command reads: `@prunekit/recipe`'s schema, every section of it. The
 * scorer names come from `@prunekit/scorers`' registry, so a registered scorer needs no edit here.
 */
import { scorerEntries } from '@prunekit/scorers';

export {
  BACKENDS,
  type Recipe,
  type RecipeInput,
  recipeSchema,
  recipeSections,
  type ScorerConfig,
} from '@prunekit/recipe';

/** The registered scorer names, for help texts. */
export function scorerNames(): string[] {
  return scorerEntries().map((e) => e.name);
}
