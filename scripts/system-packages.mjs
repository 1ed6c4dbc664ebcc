#!/usr/bin/env node
/**
 * Provides the Debian packages listed in .ci/apt-packages (Chromium for the browser tests,
 * Vulkan/EGL loaders for WebGPU through Dawn, ...) before `pnpm test` and `pnpm bench:gpu`, so the
 * README's commands work on a fresh machine. Installed packages are left alone; missing ones are
 * installed with apt-get when running as root (or through passwordless sudo), otherwise it stops
 * with the exact command to run.
 *
 *   node scripts/system-packages.mjs            check, install what is missing
 *   node scripts/system-packages.mjs --dry-run  print what it would run, change nothing
 *   --list FILE     another package list (default: .ci/apt-packages next to this script's repo)
 *   --root DIR      check and install inside the Debian root DIR (apt-get/dpkg-query through chroot)
 *
 * PRUNEKIT_SKIP_SYSTEM_PACKAGES=1 skips the step (e.g. on a machine that provides Chromium through
 * PRUNEKIT_CHROMIUM and has no apt).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Package names from a list file: one per line, `#` starts a comment, blank lines ignored. */
export function parsePackageList(text) {
  const names = [];
  for (const raw of text.split('\n')) {
    const name = raw.replace(/#.*/, '').trim();
    if (name === '') continue;
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name)) {
      throw new Error(`system-packages: "${name}" is not a Debian package name; fix the package list`);
    }
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * What to do for the missing packages: `{ action: 'none' }`, `{ action: 'install', commands }` (each
 * command an argv array) or `{ action: 'refuse', message }` when there is no way to become root.
 */
export function planInstall({ missing, isRoot, hasSudo, root }) {
  if (missing.length === 0) return { action: 'none' };
  const prefix = root ? ['chroot', root] : [];
  const apt = [...prefix, 'apt-get', '-o', 'DPkg::Lock::Timeout=300'];
  const commands = [
    [...apt, 'update', '-qq'],
    [...apt, 'install', '-y', '-qq', ...missing],
  ];
  if (isRoot) return { action: 'install', commands };
  if (hasSudo) return { action: 'install', commands: commands.map((c) => ['sudo', '-n', ...c]) };
  const cmd = `sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`;
  return {
    action: 'refuse',
    message:
      `Missing Debian packages the tests need: ${missing.join(' ')}.\n` +
      `Not running as root and no passwordless sudo, so they were not installed. Run:\n  ${cmd}\n` +
      'then run the command again (or set PRUNEKIT_SKIP_SYSTEM_PACKAGES=1 to skip this check; the ' +
      'browser and WebGPU tests then fail unless PRUNEKIT_CHROMIUM points at a Chromium binary).',
  };
}

function run(argv, opts = {}) {
  return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', ...opts });
}

/** The packages from `names` that dpkg does not report as installed. */
export function missingPackages(names, root) {
  const prefix = root ? ['chroot', root] : [];
  return names.filter((name) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format
    const r = run([...prefix, 'dpkg-query', '-W', '-f=${db:Status-Status}', name]);
    return r.status !== 0 || r.stdout.trim() !== 'installed';
  });
}

function parseArgs(argv) {
  const opts = { dryRun: false, list: undefined, root: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--list') opts.list = argv[++i];
    else if (a === '--root') opts.root = argv[++i];
    else throw new Error(`system-packages: unknown option ${a} (known: --dry-run, --list FILE, --root DIR)`);
  }
  return opts;
}

function main() {
  if (process.env.PRUNEKIT_SKIP_SYSTEM_PACKAGES === '1') return 0;
  const opts = parseArgs(process.argv.slice(2));
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
  const listFile = opts.list ?? join(repo, '.ci', 'apt-packages');
  if (!existsSync(listFile)) return 0;
  const names = parsePackageList(readFileSync(listFile, 'utf8'));
  if (names.length === 0) return 0;
  const dpkg = run([...(opts.root ? ['chroot', opts.root] : []), 'dpkg-query', '--version']);
  if (dpkg.error || dpkg.status !== 0) {
    console.warn(
      `system-packages: no dpkg here, so ${names.join(' ')} cannot be checked. The browser tests ` +
        'need Chromium (set PRUNEKIT_CHROMIUM to its binary); WebGPU tests need Vulkan or EGL.',
    );
    return 0;
  }
  const missing = missingPackages(names, opts.root);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasSudo = !isRoot && run(['sudo', '-n', 'true']).status === 0;
  const plan = planInstall({ missing, isRoot, hasSudo, root: opts.root });
  if (plan.action === 'none') return 0;
  if (plan.action === 'refuse') {
    console.error(plan.message);
    return 1;
  }
  console.log(`system-packages: installing ${missing.join(' ')} (listed in ${listFile})`);
  for (const argv of plan.commands) {
    if (opts.dryRun) {
      console.log(`would run: ${argv.join(' ')}`);
      continue;
    }
    const r = run(argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      console.error(
        `system-packages: \`${argv.join(' ')}\` failed (exit ${r.status ?? r.error?.message}). ` +
          `Install ${missing.join(' ')} by hand, then run the command again.`,
      );
      return 1;
    }
  }
  if (opts.dryRun) return 0;
  const still = missingPackages(missing, opts.root);
  if (still.length > 0) {
    console.error(`system-packages: apt-get finished but ${still.join(' ')} is still not installed.`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main();
}
