/**
 * Recipe files: read, parse YAML, validate with a zod schema. Every failure is a typed error that
 * names the file and, for a bad value, the field — and says what to do.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, ModelFormatError } from '@prunekit/core';
import { parse } from 'yaml';
import type { z } from 'zod';

/** The text of a recipe file; a missing file is a ModelFormatError naming it. */
export function readRecipeFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ModelFormatError('E_MODEL_NOT_FOUND', `Recipe ${file} not found; pass --recipe <file>.`, {
      file,
    });
  }
}

/** A YAML document; bad syntax is a ModelFormatError naming the file. */
export function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text);
  } catch (e) {
    throw new ModelFormatError('E_MODEL_FORMAT', `${file}: not valid YAML (${(e as Error).message}).`, {
      file,
    });
  }
}

/** A field path as written in YAML terms: `structured.levels[0]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('') ||
    '(root)'
  );
}

/**
 * Validates a parsed document against `schema`. The first problem becomes an InvalidArgumentError
 * `<file>: <field>: <what>. Fix it in the recipe.`, where `what` is the schema's message.
 */
export function checkRecipe<S extends z.ZodType>(schema: S, doc: unknown, file: string): z.output<S> {
  const res = schema.safeParse(doc);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const field = fieldPath(issue.path as PropertyKey[]);
  const what = issue.code === 'unrecognized_keys' ? `unknown keys (${issue.keys.join(', ')})` : issue.message;
  throw new InvalidArgumentError(`${file}: ${field}: ${what}. Fix it in the recipe.`, { file, field });
}

/** YAML text → validated recipe. */
export function parseYamlRecipe<S extends z.ZodType>(schema: S, text: string, file: string): z.output<S> {
  return checkRecipe(schema, parseYaml(text, file), file);
}

/** Recipe file → validated recipe. */
export function loadYamlRecipe<S extends z.ZodType>(schema: S, file: string): z.output<S> {
  return parseYamlRecipe(schema, readRecipeFile(file), file);
}
