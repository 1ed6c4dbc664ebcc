/** Reading a recipe (YAML or JSON), applying command-line overrides, validating with the schema. */
import { dirname, resolve } from 'node:path';
import { fieldPath, formatIssue, RecipeError } from '@prunekit/recipe';
import { readRecipeFile as readFile } from '@prunekit/recipe/node';
import { UsageError } from '../errors.js';
import { type Recipe, recipeSchema, recipeSections } from './schema.js';

/**
 * A recipe read from a file (or built from flags), validated, with the folder its relative paths resolve
 * against.
 */
export interface LoadedRecipe {
  readonly recipe: Recipe;
  /** Folder relative paths in the recipe resolve against (the recipe's folder, or the cwd). */
  readonly baseDir: string;
  readonly file?: string;
  /** Top-level sections the command does not read (an example's own), left out before validation. */
  readonly foreign: readonly string[];
}

/** A value set from the command line: where it goes in the recipe and which flag set it. */
export interface Override {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  readonly flag: string;
}

/** Parses a recipe file (JSON for .json, YAML otherwise); a problem is a UsageError naming the file. */
export function readRecipeFile(file: string): unknown {
  try {
    return readFile(file);
  } catch (e) {
    if (e instanceof RecipeError) throw new UsageError(e.message, { file });
    throw e;
  }
}

/** Edit distance of two short names (a misspelt section is an error, not an example's own section). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** Sections renamed since earlier recipes (one word for structured pruning everywhere). */
const RENAMED: Record<string, string> = { channels: 'structured' };

/**
 * Top-level mappings the command has no section for and that are not a misspelling of one: the
 * sections an example adds to its recipe (`extendRecipe`), which the command leaves to the example.
 */
export function foreignSections(doc: Record<string, unknown>, file = 'recipe'): string[] {
  for (const [old, now] of Object.entries(RENAMED)) {
    if (old in doc) {
      throw new UsageError(`${file}: section '${old}' is now called '${now}'; rename it in the recipe.`, {
        field: old,
        file,
      });
    }
  }
  const known = Object.keys(recipeSections);
  return Object.keys(doc).filter((k) => {
    const v = doc[k];
    if (known.includes(k) || v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    return !known.some((s) => distance(s.toLowerCase(), k.toLowerCase()) <= 2);
  });
}

function setPath(doc: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let cur: Record<string | number, unknown> = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    const next = cur[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

/** Validates a parsed recipe (after overrides); throws a one-line UsageError naming the field. */
export function validateRecipe(doc: unknown, source: string, overrides: readonly Override[] = []): Recipe {
  const res = recipeSchema.safeParse(doc ?? {});
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const path = fieldPath(issue.path as PropertyKey[]);
  // An error in a field the command line set names the flag instead of the file.
  const flag = overrides.find((o) => path.startsWith(fieldPath(o.path)));
  const label = flag ? `${flag.flag} (recipe field ${fieldPath(flag.path)})` : source;
  throw new UsageError(formatIssue(issue, doc, recipeSchema, label), { field: path, file: source });
}

/** Recipe file (optional) + overrides → a validated recipe. */
export function loadRecipe(
  file: string | undefined,
  overrides: readonly Override[] | ((raw: Record<string, unknown>) => Override[]) = [],
): LoadedRecipe {
  const raw = file === undefined ? {} : readRecipeFile(file);
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new UsageError(
      `${file}: a recipe must be a mapping of fields (name, seed, unstructured, …), got ${JSON.stringify(raw)}.`,
      {
        file,
      },
    );
  }
  const doc = structuredClone((raw ?? {}) as Record<string, unknown>);
  const foreign = foreignSections(doc, file);
  for (const k of foreign) delete doc[k];
  const list = typeof overrides === 'function' ? overrides(doc) : overrides;
  for (const o of list) setPath(doc, o.path, o.value);
  const recipe = validateRecipe(doc, file ?? 'command line', list);
  return { recipe, baseDir: file ? dirname(resolve(file)) : process.cwd(), file, foreign };
}
