/** Recipe files on disk: read, parse and validate. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { checkRecipe, parseRecipe, parseRecipeText, RecipeError } from '../validate.js';

/** Parses a recipe file's text; JSON for .json, YAML otherwise (YAML also reads JSON). */
export function readRecipeFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RecipeError(
      `Cannot read recipe '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check the --recipe path.`,
      { file },
    );
  }
  return parseRecipeText(text, file);
}

/** Recipe file → validated recipe. */
export function loadRecipeFile<S extends z.ZodType>(schema: S, file: string): z.output<S> {
  return checkRecipe(schema, readRecipeFile(file), file);
}

/** The three readers of one schema, for a program's own recipe module: parse text, check a document, load a file. */
export function recipeFiles<S extends z.ZodType>(schema: S) {
  return {
    /** Recipe text (YAML, or JSON for a .json file) → validated recipe. */
    parseRecipe: (text: string, file = 'recipe.yaml'): z.output<S> => parseRecipe(schema, text, file),
    /** A parsed document → validated recipe. */
    checkRecipe: (doc: unknown, file = 'recipe.yaml'): z.output<S> => checkRecipe(schema, doc, file),
    /** A recipe file → validated recipe. */
    loadRecipe: (file: string): z.output<S> => loadRecipeFile(schema, file),
  };
}
