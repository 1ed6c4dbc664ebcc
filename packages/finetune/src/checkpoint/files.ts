import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '@prunekit/core';

const NAME = /^ckpt-(\d{10})\.pkc$/;

export function checkpointName(step: number): string {
  return `ckpt-${String(step).padStart(10, '0')}.pkc`;
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

/** Deletes all but the newest `keep` checkpoints (writeFileAtomic sweeps dead writers' temp files). */
export function pruneCheckpoints(dir: string, keep: number): void {
  const all = listCheckpoints(dir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) rmSync(c.file, { force: true });
}
