/** Reading a recipe (YAML or JSON), applying command-line overrides, validating with the schema. */
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { fieldPath, formatIssue } from './format_issue.js';
import { type Recipe, recipeSchema } from './schema.js';

export interface LoadedRecipe {
  readonly recipe: Recipe;
  /** Folder relative paths in the recipe resolve against (the recipe's folder, or the cwd). */
  readonly baseDir: string;
  readonly file?: string;
}

/** A value set from the command line: where it goes in the recipe and which flag set it. */
export interface Override {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  readonly flag: string;
}

/** Parses a recipe file's text; JSON for .json, YAML otherwise (YAML also reads JSON). */
export function readRecipeFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `Cannot read recipe '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check the --recipe path.`,
      {
        file,
      },
    );
  }
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new UsageError(`${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${first}`, {
      file,
    });
  }
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
  const list = typeof overrides === 'function' ? overrides(doc) : overrides;
  for (const o of list) setPath(doc, o.path, o.value);
  const recipe = validateRecipe(doc, file ?? 'command line', list);
  return { recipe, baseDir: file ? dirname(resolve(file)) : process.cwd(), file };
}
