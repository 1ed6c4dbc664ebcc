/**
 * Reading and checking recipes: YAML or JSON text → a validated value, or a RecipeError whose one
 * line names the file, the field, what is allowed and what was found.
 */
import { InvalidArgumentError, showValue } from '@prunekit/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** A recipe that cannot be read or does not fit its schema; the message says what to fix. */
export class RecipeError extends InvalidArgumentError {}

type Issue = z.core.$ZodIssue;

/** `unstructured.levels[1]` from ['unstructured', 'levels', 1]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(root)';
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v = doc;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The keys a strict object schema allows at `path` (walks the schema; undefined when unknown). */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s: unknown = schema;
  const unwrap = (x: unknown): unknown => {
    let cur = x as { def?: { innerType?: unknown } };
    while (cur?.def?.innerType) cur = cur.def.innerType as typeof cur;
    return cur;
  };
  for (const k of path) {
    s = unwrap(s);
    const obj = s as { shape?: Record<string, unknown>; def?: { element?: unknown } };
    if (typeof k === 'number' && obj.def?.element) s = obj.def.element;
    else if (obj.shape && typeof k === 'string') s = obj.shape[k];
    else return undefined;
  }
  const shape = (unwrap(s) as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : undefined;
}

const show = (v: unknown) => (v === undefined ? 'nothing' : showValue(v));

/** One zod issue as one line: "<source>: <field> must be <allowed>, got <value>." */
export function formatIssue(issue: Issue, doc: unknown, schema: z.ZodType, source: string): string {
  const path = issue.path as PropertyKey[];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const where = path.length ? ` in ${fieldPath(path)}` : '';
      const allowed = allowedKeys(schema, path);
      const keys = issue.keys.map((k) => `'${k}'`).join(', ');
      return `${source}: unknown key ${keys}${where}${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}.`;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v)).join(', ');
      return `${source}: ${fieldPath(path)} must be one of ${values}, got ${show(valueAt(doc, path))}.`;
    }
    case 'invalid_type': {
      const got = valueAt(doc, path);
      const want =
        issue.message && !issue.message.startsWith('Invalid input')
          ? issue.message
          : `of type ${issue.expected}`;
      if (got === undefined) return `${source}: ${fieldPath(path)} is required (${want}).`;
      return `${source}: ${fieldPath(path)} must be ${want}, got ${show(got)}.`;
    }
    default:
      return `${source}: ${fieldPath(path)} must be ${issue.message}, got ${show(valueAt(doc, path))}.`;
  }
}

/** Parses recipe text (JSON when `file` ends in .json, YAML otherwise). */
export function parseRecipeText(text: string, file: string): unknown {
  const json = file.toLowerCase().endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new RecipeError(`${file}: not valid ${json ? 'JSON' : 'YAML'}: ${first}`, { file });
  }
}

/** Validates a parsed recipe against `schema`; the first problem becomes a RecipeError naming the field. */
export function checkRecipe<S extends z.ZodType>(schema: S, doc: unknown, source: string): z.output<S> {
  const res = schema.safeParse(doc ?? {});
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  throw new RecipeError(`${formatIssue(issue, doc, schema, source)} Fix it in the recipe.`, {
    file: source,
    field: fieldPath(issue.path as PropertyKey[]),
  });
}

/** Recipe text (YAML, or JSON for a .json file) → validated recipe. */
export function parseRecipe<S extends z.ZodType>(schema: S, text: string, file: string): z.output<S> {
  return checkRecipe(schema, parseRecipeText(text, file), file);
}
