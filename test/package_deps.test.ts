/**
 * Every public package declares exactly what its published files import: each bare import of
 * src/ (and bin/) is a dependency or peer, and each dependency or peer is imported somewhere.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const PACKAGES = readdirSync(join(ROOT, 'packages'))
  .map((d) => join(ROOT, 'packages', d))
  .filter((d) => {
    try {
      return !JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private;
    } catch {
      return false;
    }
  });

function files(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (/\.(ts|mts|mjs|js)$/.test(n) && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Static imports/re-exports, dynamic import('x'), side-effect imports, and require.resolve('x')
// (report inlines Chart.js's file through it).
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"\s]+)['"]|import\(\s*['"]([^'"\s]+)['"]\s*\)|^import\s+['"]([^'"\s]+)['"]|\.resolve\(\s*['"]([^'"\s./][^'"\s]*)['"]\s*\)/gm;

/** Package names the files import (bare specifiers, Node built-ins and self-imports left out). */
function importedPackages(sources: string[], self: string): Set<string> {
  const out = new Set<string>();
  for (const f of sources) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (!spec || spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('#')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (builtinModules.includes(name) || name === self) continue;
      out.add(name);
    }
  }
  return out;
}

function peersOf(name: string): Record<string, string> {
  const dir = PACKAGES.find((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name === name);
  return dir ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).peerDependencies ?? {}) : {};
}

describe('published dependency lists match the imports', () => {
  for (const dir of PACKAGES) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    it(pkg.name, () => {
      const used = importedPackages([...files(join(dir, 'src')), ...files(join(dir, 'bin'))], pkg.name);
      const declared = new Set([
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
      ]);
      const undeclared = [...used].filter((n) => !declared.has(n)).sort();
      // A peer of a prunekit dependency is passed on as this package's own peer (the user provides it).
      const passedOn = new Set(
        Object.keys(pkg.dependencies ?? {})
          .filter((n) => n.startsWith('@prunekit/'))
          .flatMap((n) => Object.keys(peersOf(n))),
      );
      const unused = [...declared]
        .filter((n) => !used.has(n) && !(passedOn.has(n) && n in (pkg.peerDependencies ?? {})))
        .sort();
      expect(undeclared.join(', '), 'imported but not in dependencies/peerDependencies').toBe('');
      expect(unused.join(', '), 'declared but never imported by src/ or bin/').toBe('');
    });
  }
});

describe('published manifests', () => {
  for (const dir of PACKAGES) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    it(`${pkg.name}: publishConfig.exports is exports without the source condition; LICENSE; metadata`, () => {
      const strip = (v: unknown) =>
        v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).filter(([c]) => c !== 'source'))
          : v;
      const want = Object.fromEntries(Object.entries(pkg.exports).map(([k, v]) => [k, strip(v)]));
      expect(pkg.publishConfig?.exports).toEqual(want);
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
      expect(pkg.license).toBe('Apache-2.0');
      expect(pkg.repository?.directory).toBe(`packages/${dir.split('/').at(-1)}`);
      expect(pkg.engines?.node).toMatch(/^>=20/);
    });
  }
});
