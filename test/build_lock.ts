/**
 * One `tsc -b` at a time across test files: the type-check test and the packed-install test both
 * build dist/, and two builds writing the same outputs at once can corrupt them. mkdir is atomic.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK = join(import.meta.dirname, '..', 'node_modules', '.cache', 'prunekit-build.lock');

export async function withBuildLock<T>(fn: () => T | Promise<T>, maxWaitMs = 600_000): Promise<T> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed run.
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > maxWaitMs) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() - start > maxWaitMs)
        throw new Error(`build lock ${LOCK} held for over ${maxWaitMs} ms`);
      else await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
