import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '@prunekit/core';

const NAME = /^ckpt-(\d{10})\.pkc$/;

export function checkpointName(step: number): string {
  return `ckpt-${String(step).padStart(10, '0')}.pkc`;
}

/**
 * Writes `buf` to `file` atomically: a temp file in the same folder, fsync, rename, fsync the
 * folder. A reader sees the old file or the complete new one, never a partial write.
 */
export function writeFileAtomic(file: string, buf: Buffer): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.tmp-${process.pid}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, buf, 0, buf.length, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/** Complete checkpoint files of a folder, oldest first (temp files are never listed). */
export function listCheckpoints(dir: string): { file: string; step: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => ({ n, m: NAME.exec(n) }))
    .filter((e) => e.m !== null)
    .map((e) => ({ file: join(dir, e.n), step: Number(e.m![1]) }))
    .sort((a, b) => a.step - b.step);
}

/** The newest checkpoint file in `dir`, if any. */
export function latestCheckpoint(dir: string): string | undefined {
  return listCheckpoints(dir).at(-1)?.file;
}

/** A file path as given, or the newest checkpoint of a folder; CheckpointError when there is none. */
export function resolveCheckpoint(path: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new CheckpointError(
      `resume: '${path}' does not exist; pass a checkpoint file or the folder of a previous run.`,
      { file: path },
    );
  }
  if (!isDir) return path;
  const latest = latestCheckpoint(path);
  if (!latest)
    throw new CheckpointError(`resume: folder '${path}' holds no checkpoint (ckpt-*.pkc).`, { file: path });
  return latest;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes all but the newest `keep` checkpoints, and temp files whose writer process is gone. */
export function pruneCheckpoints(dir: string, keep: number): void {
  const all = listCheckpoints(dir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) rmSync(c.file, { force: true });
  for (const n of readdirSync(dir)) {
    const m = /^\.ckpt-\d{10}\.pkc\.tmp-(\d+)$/.exec(n);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(dir, n), { force: true });
  }
}
