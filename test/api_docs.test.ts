/**
 * The API reference (`pnpm run docs`: typedoc over every published entry point) documents each
 * export from its doc comment. Not yet every one has a comment: this holds the line (the count
 * may only fall) and lists the missing ones; lower UNDOCUMENTED_BUDGET as comments are written.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
/** Exports without a doc comment when this test was written (186 of 876); lowered as comments land. */
const UNDOCUMENTED_BUDGET = 1;

it('exported symbols without a doc comment do not grow', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'tools/api-docs/undocumented.mjs'), '--json'], {
    encoding: 'utf8',
  });
  const { total, missing } = JSON.parse(out) as { total: number; missing: string[] };
  expect(total).toBeGreaterThan(500);
  expect(missing.length, `undocumented:\n${missing.join('\n')}`).toBeLessThanOrEqual(UNDOCUMENTED_BUDGET);
}, 120_000);
