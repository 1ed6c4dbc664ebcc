/**
 * `changeset version` on a copy of the workspace's manifests and pending changesets: only public
 * packages get a new version or a CHANGELOG (examples, benchmarks and test-utils are private).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function manifests(): string[] {
  const out = ['package.json', 'pnpm-workspace.yaml'];
  for (const group of ['packages', 'examples', 'tools']) {
    for (const d of readdirSync(join(ROOT, group))) {
      if (existsSync(join(ROOT, group, d, 'package.json'))) out.push(join(group, d, 'package.json'));
    }
  }
  out.push('benchmarks/package.json');
  return out;
}

describe('changesets', () => {
  it('`changeset version` bumps and writes changelogs for public packages only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-changeset-'));
    try {
      const files = manifests();
      for (const f of files) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        cpSync(join(ROOT, f), join(dir, f));
      }
      cpSync(join(ROOT, '.changeset'), join(dir, '.changeset'), { recursive: true });
      const pending = readdirSync(join(dir, '.changeset')).filter(
        (f) => f.endsWith('.md') && f !== 'README.md',
      );
      const before = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
      const bin = join(
        dirname(createRequire(join(ROOT, 'package.json')).resolve('@changesets/cli/package.json')),
        'bin.js',
      );
      execFileSync(process.execPath, [bin, 'version'], { cwd: dir, stdio: 'pipe' });
      const changed = files.filter(
        (f) => f.endsWith('package.json') && readFileSync(join(dir, f), 'utf8') !== before.get(f),
      );
      const changelogs = files
        .map((f) => join(dirname(f), 'CHANGELOG.md'))
        .filter((f) => existsSync(join(dir, f)));
      const privateOnes = (list: string[]) =>
        list.filter((f) => JSON.parse(before.get(join(dirname(f), 'package.json'))!).private === true);
      if (pending.length > 0) expect(changed.length).toBeGreaterThan(0);
      expect(privateOnes(changed)).toEqual([]);
      expect(privateOnes(changelogs)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
