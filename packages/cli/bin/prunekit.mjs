#!/usr/bin/env node
// Runs the CLI from its built output when present (published package), else from the TypeScript
// source through tsx (inside this repository, no build needed).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'bin.js');
if (existsSync(dist)) {
  await import(dist);
} else {
  // tsx resolved from this package, so the command works from any working directory.
  const tsx = import.meta.resolve('tsx');
  const r = spawnSync(
    process.execPath,
    ['--import', tsx, '--conditions=source', join(root, 'src', 'bin.ts'), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      cwd: process.cwd(),
    },
  );
  process.exitCode = r.status ?? 1;
}
