/**
 * The CLI's output folder. checkOutDir runs before any work: never the input model's folder (nor
 * inside or around it, real paths compared), not a file, empty unless --overwrite, and writable.
 * publishOutDir then writes the whole run into a staging folder and puts it in place in one step
 * (layers' publishFolder): a killed run leaves the previous --out untouched, and --overwrite
 * replaces the folder, so stale model folders of an earlier run do not linger beside the new ones.
 */
import { access, constants, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError } from '@prunekit/core';
import { outputFault } from '@prunekit/layers';
import {
  publishFolder,
  realTarget,
  refuseInputOverlap,
  resolveLocation,
  writeFileAtomic,
} from '@prunekit/layers/node';
import { UsageError } from '../errors.js';

/** Longest path component most file systems accept (bytes). */
const NAME_MAX = 255;

export async function checkOutDir(
  dir: string,
  overwrite: boolean,
  inputs: readonly string[] = [],
  flag = '--out',
): Promise<void> {
  const out = resolve(dir);
  // This command's own inputs first; folders loaded earlier in the process are checked again by
  // publishFolder before it writes.
  const paths = inputs.flatMap((i) => {
    const loc = resolveLocation(i, '--model');
    return loc.kind === 'path' ? [loc.path] : [];
  });
  await refuseInputOverlap(out, paths, flag, { loaded: false });
  for (const part of out.split('/')) {
    if (Buffer.byteLength(part) > NAME_MAX) {
      throw new OutputError(
        'E_OUTPUT',
        `${flag} '${out}': the path component '${part.slice(0, 24)}…' is ${Buffer.byteLength(part)} bytes; most file systems allow ${NAME_MAX}. Use a shorter name.`,
        { path: out, errno: 'ENAMETOOLONG', field: flag },
      );
    }
  }
  const st = await stat(out).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw outputFault(e, out, `use ${flag}`);
  });
  if (st && !st.isDirectory())
    throw new UsageError(`${flag} '${out}' is a file; give a folder.`, { field: 'out' });
  if (st && !overwrite && (await readdir(out)).length > 0) {
    throw new UsageError(`${flag} '${out}' is not empty; choose another folder or pass --overwrite.`, {
      field: 'out',
    });
  }
  // The folder that will receive the staging folder must exist as a folder and be writable.
  const parent = await realTarget(dirname(out));
  let at = parent;
  for (;;) {
    const s = await stat(at).catch(() => null);
    if (s) {
      if (!s.isDirectory())
        throw outputFault(Object.assign(new Error(), { code: 'ENOTDIR' }), out, `create ${flag}`);
      await access(at, constants.W_OK | constants.X_OK).catch((e) => {
        throw outputFault(e, out, `create ${flag}`);
      });
      return;
    }
    const up = dirname(at);
    if (up === at) return;
    at = up;
  }
}

/**
 * Runs `fill` on a staging folder and publishes it as `dir` (replacing it with --overwrite).
 * The library's wording about { overwrite: true } becomes the CLI flag's.
 */
export async function publishOutDir(
  dir: string,
  overwrite: boolean,
  fill: (staging: string) => Promise<void>,
): Promise<string> {
  try {
    return await publishFolder(dir, fill, { overwrite });
  } catch (e) {
    if (e instanceof OutputError && e.code === 'E_OUTPUT_EXISTS') {
      throw new OutputError(
        'E_OUTPUT_EXISTS',
        `--out '${resolve(dir)}' was created by another run while this one worked; nothing of this run was kept. ` +
          'Choose another folder or pass --overwrite.',
        e.details,
      );
    }
    throw e;
  }
}

/** Writes a text file atomically (layers' writeFileAtomic). */
export async function writeTextFile(dir: string, name: string, text: string): Promise<string> {
  return writeFileAtomic(join(dir, basename(name)), text);
}
