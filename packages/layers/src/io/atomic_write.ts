import { mkdir, mkdtemp, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, ModelFormatError } from '@prunekit/core';
import { isSourceFolder } from './sources.js';

export interface WriteOptions {
  /** Replace a non-empty target folder (never a folder loadModel read a model from). */
  readonly overwrite?: boolean;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses a target that is a file, a folder a model was loaded from, or non-empty without overwrite. */
export async function checkTarget(dir: string, opts: WriteOptions = {}): Promise<void> {
  const target = resolve(dir);
  const st = await stat(target).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) {
    throw new InvalidArgumentError(
      `Cannot save into '${target}': it is a file, not a folder. Pick a folder path.`,
      {
        dir: target,
      },
    );
  }
  if (isSourceFolder(await realpath(target))) {
    throw new InvalidArgumentError(
      `Refusing to save into '${target}': a model was loaded from that folder, and overwriting it would destroy the input. ` +
        'Save to a new folder.',
      { dir: target },
    );
  }
  if (!opts.overwrite && (await readdir(target)).length > 0) {
    throw new InvalidArgumentError(
      `Refusing to save into '${target}': the folder is not empty. Pass { overwrite: true } to replace it, or pick a new folder.`,
      { dir: target },
    );
  }
}

/**
 * Writes `files` (plain names → contents) as the folder `dir`, atomically: everything goes into a
 * temporary folder beside the target, which is renamed into place only once every file is
 * written and synced. On error the temporary folder is removed and the target is left as it was.
 */
export async function writeFilesAtomic(
  dir: string,
  files: ReadonlyMap<string, Uint8Array | string>,
  opts: WriteOptions = {},
): Promise<string> {
  const target = resolve(dir);
  for (const name of files.keys()) {
    if (!SAFE_NAME.test(name)) {
      throw new ModelFormatError(
        'E_PATH_ESCAPE',
        `File name '${name}' is not a plain file name; refusing to write it.`,
        {
          path: name,
        },
      );
    }
  }
  await checkTarget(target, opts);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  try {
    for (const [name, data] of files) {
      const fh = await open(join(tmp, name), 'wx');
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const existed = await stat(target).catch(() => null);
  if (!existed) {
    try {
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    return target;
  }
  // Replace: move the old folder aside, move the new one in, then drop the old one.
  const old = `${tmp}.old`;
  await rename(target, old);
  try {
    await rename(tmp, target);
  } catch (e) {
    await rename(old, target);
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  await rm(old, { recursive: true, force: true });
  return target;
}
