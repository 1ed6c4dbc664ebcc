import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without declarations (it runs before anything is built)
import { parsePackageList, planInstall } from '../scripts/system-packages.mjs';

const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'system-packages.mjs');

function runScript(list: string, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'prunekit-apt-'));
  const file = join(dir, 'apt-packages');
  writeFileSync(file, list);
  const env = { ...process.env };
  delete env.PRUNEKIT_SKIP_SYSTEM_PACKAGES;
  return execFileSync(process.execPath, [SCRIPT, '--list', file, ...args], { encoding: 'utf8', env });
}

describe('system-packages setup step', () => {
  it('reads one name a line, skipping comments and blanks, and rejects non-package names', () => {
    expect(parsePackageList('chromium\n# for Dawn\nlibvulkan1 # loader\n\nchromium\n')).toEqual([
      'chromium',
      'libvulkan1',
    ]);
    expect(() => parsePackageList('chromium; rm -rf /\n')).toThrow(/not a Debian package name/);
  });

  it('installs as root, through sudo otherwise, and refuses with the exact command without either', () => {
    expect(planInstall({ missing: [], isRoot: false, hasSudo: false })).toEqual({ action: 'none' });
    const asRoot = planInstall({ missing: ['chromium'], isRoot: true, hasSudo: false });
    expect(asRoot.commands.at(-1)).toEqual([
      'apt-get',
      '-o',
      'DPkg::Lock::Timeout=300',
      'install',
      '-y',
      '-qq',
      'chromium',
    ]);
    const viaSudo = planInstall({ missing: ['chromium'], isRoot: false, hasSudo: true });
    expect(viaSudo.commands.every((c: string[]) => c[0] === 'sudo')).toBe(true);
    const inRoot = planInstall({ missing: ['chromium'], isRoot: true, hasSudo: false, root: '/srv/fresh' });
    expect(inRoot.commands[0].slice(0, 3)).toEqual(['chroot', '/srv/fresh', 'apt-get']);
    const refused = planInstall({ missing: ['chromium', 'libegl1'], isRoot: false, hasSudo: false });
    expect(refused.action).toBe('refuse');
    expect(refused.message).toContain('sudo apt-get install -y chromium libegl1');
  });

  it('on this Debian machine: names only the packages dpkg lacks, and --dry-run changes nothing', () => {
    // dpkg itself is always installed on Debian; the second name never exists.
    expect(runScript('dpkg\n', ['--dry-run'])).toBe('');
    const list = 'dpkg\nprunekit-no-such-package\n';
    if (process.getuid?.() === 0) {
      const out = runScript(list, ['--dry-run']);
      expect(out).toContain('installing prunekit-no-such-package');
      expect(out).toMatch(/would run: apt-get .* install -y -qq prunekit-no-such-package\n/);
      expect(out).not.toMatch(/install -y -qq dpkg/);
    } else {
      // Without root (and without passwordless sudo) it stops with the command to run.
      expect(() => runScript(list, ['--dry-run'])).toThrow(
        /sudo apt-get install -y prunekit-no-such-package/,
      );
    }
  });
});
