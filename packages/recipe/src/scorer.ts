/**
 * The scorer field: `{ name, ...options }` with the options of that scorer's registry entry
 * (`@prunekit/scorers`' registry, read when the recipe is validated, so a scorer registered before
 * then is accepted), or `{ module, export, options }` naming a factory in another package.
 */
import { scorerEntries, scorerEntry } from '@prunekit/scorers';
import { z } from 'zod';
import { moduleRef } from './fields.js';

/** A built-in scorer by registry name, with its options. */
export interface NamedScorer {
  readonly name: string;
  readonly options: Record<string, unknown>;
}
/** A scorer factory named by module and export, with its options; `name` is 'module#export'. */
export interface ModuleScorer {
  readonly name: string;
  readonly module: string;
  readonly export: string;
  readonly options: Record<string, unknown>;
}
/** A parsed scorer field: a registry scorer or a module's factory. */
export type ScorerConfig = NamedScorer | ModuleScorer;

const moduleScorer = z.strictObject({
  ...moduleRef,
  options: z.record(z.string(), z.unknown(), { error: 'a mapping of options' }).default({}),
});

type Issue = z.core.$ZodRawIssue;

const isMapping = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

function checkNamed(v: Record<string, unknown>, issues: Issue[]): NamedScorer | undefined {
  // `{ name, options: {...} }` (the validated form) reads as `{ name, ...options }`, so a validated
  // recipe validates again unchanged.
  const { name, options, ...flat } = v;
  const rest = isMapping(options)
    ? { ...options, ...flat }
    : options === undefined
      ? flat
      : { ...flat, options };
  const all = scorerEntries().map((e) => e.name);
  const entry = typeof name === 'string' ? scorerEntry(name) : undefined;
  if (!entry) {
    issues.push({
      code: 'custom',
      message: `one of ${all.join(', ')} (or module: + export: for a scorer from another package)`,
      path: ['name'],
      input: name,
    });
    return undefined;
  }
  const res = entry.options.safeParse(rest);
  if (res.success) return { name: entry.name, options: res.data as Record<string, unknown> };
  for (const iss of res.error.issues) {
    if (iss.code === 'unrecognized_keys') {
      const allowed = Object.keys((entry.options as unknown as { shape?: object }).shape ?? {});
      for (const key of iss.keys) {
        issues.push({
          code: 'custom',
          message: `an option of scorer '${entry.name}' (allowed: name${allowed.map((k) => `, ${k}`).join('')})`,
          path: [...iss.path, key],
          input: rest[key],
        });
      }
    } else {
      issues.push({ code: 'custom', message: iss.message, path: iss.path, input: undefined });
    }
  }
  return undefined;
}

/**
 * The scorer field's schema: `{ name, ...options }` checked against the scorer registry, or `{ module,
 * export, options }`.
 */
export const scorerSchema = z
  .looseObject({}, { error: 'a mapping { name, ...options } or { module, export, options }' })
  .transform((v, ctx): ScorerConfig => {
    if (v.module !== undefined) {
      const res = moduleScorer.safeParse(v);
      if (res.success) return { name: `${res.data.module}#${res.data.export}`, ...res.data };
      for (const iss of res.error.issues) ctx.issues.push({ ...iss, input: undefined } as Issue);
      return z.NEVER;
    }
    const issues: Issue[] = [];
    const named = checkNamed(v, issues);
    for (const iss of issues) ctx.issues.push(iss);
    return named ?? z.NEVER;
  });

/** A scorer field with a default, e.g. `scorerField({ name: 'magnitude', p: 1 })`. */
export const scorerField = (dflt: { name: string } & Record<string, unknown>) => scorerSchema.prefault(dflt);
