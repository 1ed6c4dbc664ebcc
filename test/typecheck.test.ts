// Type-checks (and builds) every workspace package, every example and the benchmarks with `tsc -b`,
// as one test: a type error fails this test instead of blocking the whole suite (tests themselves
// read the TypeScript sources).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBuildLock } from './build_lock.js';

const root = join(import.meta.dirname, '..');

const projectsUnder = (dir: string) =>
  readdirSync(join(root, dir))
    .map((d) => join(dir, d))
    .filter((d) => existsSync(join(root, d, 'tsconfig.json')));

it('every package, example and the benchmarks type-check with tsc -b', async () => {
  const packages = projectsUnder('packages');
  const examples = projectsUnder('examples');
  expect(packages.length).toBeGreaterThan(5);
  expect(examples.length).toBeGreaterThan(5);
  const projects = [...packages, ...examples, 'benchmarks'];
  let out = '';
  let code = 0;
  await withBuildLock(() => {
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', ...projects], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      const err = e as { status?: number; stdout?: string; stderr?: string };
      code = err.status ?? 1;
      out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    }
  });
  expect(
    out
      .split('\n')
      .filter((l) => l.includes('error TS'))
      .slice(0, 20),
  ).toEqual([]);
  expect(code).toBe(0);
}, 600_000);
