import { randomBytes } from 'node:crypto';
import { readdir, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Names of the hidden siblings an atomic write makes beside its target `name`:
 * `.name.<kind>-<pid>-<random>`, where kind is 'tmp' (a file being written), 'v' (a model folder
 * version), 'lnk' (a symlink about to be renamed over the target) or 'old' (a real folder moved
 * aside once, when a pre-existing plain folder is first replaced) or 'r' (a small file naming a
 * replaced version to remove after its grace period). The pid lets a later writer tell
 * a crashed writer's leftovers from a live one's.
 */
export type TempKind = 'tmp' | 'v' | 'lnk' | 'old' | 'r';

/** How long a replaced version stays readable before it is removed. */
export const RETIRE_GRACE_MS = 2000;

export function tempName(target: string, kind: TempKind): string {
  return join(
    dirname(target),
    `.${basename(target)}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the leftovers of writers to `target` that died (SIGKILL, power loss): temp files,
 * unlinked versions and temp links. A folder moved aside ('old') while the target is missing is
 * moved back, so a crash in the one non-atomic step (replacing a plain folder) never loses the
 * model. The version the target links to is always kept. Returns the names removed or restored.
 */
export async function sweepStale(target: string): Promise<string[]> {
  const parent = dirname(target);
  const re = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(tmp|v|lnk|old|r)-(\\d+)-[0-9a-f]+$`);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const current = await readlink(target).catch(() => undefined);
  const targetExists = (await stat(target).catch(() => null)) !== null;
  const done: string[] = [];
  for (const n of names) {
    const m = re.exec(n);
    if (!m || n === current) continue;
    const path = join(parent, n);
    if (m[1] === 'r') {
      // A replaced version: removable once its grace is over or the process that replaced it died.
      const st = await stat(path).catch(() => null);
      if (!st || (alive(Number(m[2])) && Date.now() - st.mtimeMs < RETIRE_GRACE_MS)) continue;
      const version = (await readFile(path, 'utf8').catch(() => '')).trim();
      if (re.exec(version)?.[1] === 'v' && version !== current) {
        await rm(join(parent, version), { recursive: true, force: true }).catch(() => {});
        done.push(version);
      }
      await rm(path, { force: true }).catch(() => {});
      done.push(n);
      continue;
    }
    if (alive(Number(m[2]))) continue;
    if (m[1] === 'old' && !targetExists) {
      await rename(path, target).catch(() => {});
    } else {
      await rm(path, { recursive: true, force: true }).catch(() => {});
    }
    done.push(n);
  }
  return done;
}
