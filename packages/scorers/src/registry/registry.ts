/**
 * The scorer registry: every scorer by the name recipes use, with its options as a zod schema and
 * a factory. The CLI builds its scorer table from here, so a scorer registered here (by prunekit or
 * by a program before it runs the CLI) is one a recipe can name.
 */
import { InvalidArgumentError, type Scorer } from '@prunekit/core';
import { BUILTIN_SCORERS } from './builtin.js';
import type { ScorerEntry } from './define.js';

const entries = new Map<string, ScorerEntry>(BUILTIN_SCORERS.map((e) => [e.name, e]));

/** Adds a scorer under its name; a second entry of a taken name is refused. */
export function registerScorer(entry: ScorerEntry): void {
  if (!/^[A-Za-z][\w-]*$/.test(entry.name)) {
    throw new InvalidArgumentError(
      `registerScorer: name must be letters, digits, '_' or '-' starting with a letter, got ${JSON.stringify(entry.name)}.`,
      { field: 'name' },
    );
  }
  if (entries.has(entry.name) && entries.get(entry.name) !== entry) {
    throw new InvalidArgumentError(
      `registerScorer: a scorer named '${entry.name}' is already registered; pick another name.`,
      { field: 'name', value: entry.name },
    );
  }
  entries.set(entry.name, entry);
}

/** The entry of a name, or undefined. */
export function scorerEntry(name: string): ScorerEntry | undefined {
  return entries.get(name);
}

/** Every registered entry, in registration order. */
export function scorerEntries(): readonly ScorerEntry[] {
  return [...entries.values()];
}

/** A scorer from its recipe form `{ name, ...options }`; unknown names and bad options throw naming them. */
export function createScorer(config: { readonly name: string } & Record<string, unknown>): Scorer {
  const { name, ...options } = config;
  const entry = entries.get(name);
  if (!entry) {
    throw new InvalidArgumentError(
      `Unknown scorer '${name}'; registered: ${[...entries.keys()].join(', ')}.`,
      { field: 'name', value: name },
    );
  }
  const res = entry.options.safeParse(options);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new InvalidArgumentError(
      `scorer '${name}': ${issue.path.join('.') || 'options'}: ${issue.message}.`,
      { field: issue.path.join('.'), scorer: name },
    );
  }
  return entry.create(res.data);
}
