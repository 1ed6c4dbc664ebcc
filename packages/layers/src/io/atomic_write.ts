/**
 * The one atomic-write helper of prunekit: single files (writeFileAtomic) and whole folders
 * (publishFolder / writeFilesAtomic), used by saveModel, the compressed and quantized exports,
 * checkpoints and the CLI's run folder.
 *
 * A folder is published as a versioned hidden sibling plus a symlink: `name -> .name.v-<pid>-<id>`.
 * Replacing it writes a new version and renames a fresh symlink over the old one — one rename(2),
 * so a reader (or a crash) sees the old model or the new one, never a missing or half-written
 * folder. A first save claims the name by creating the symlink (an exclusive create), so of several
 * concurrent saves to one new folder exactly one wins. Leftovers of killed writers are swept by the
 * next write to the same target. Files are created 0666 and folders 0777 minus the umask (0644 and
 * 0755 under the usual umask 022), as tfjs-node and most tools do.
 */
import {
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, ModelFormatError, OutputError } from '@prunekit/core';
import { mapOutputFault } from './fs_errors.js';
import { refuseInputOverlap } from './input_guard.js';
import { RETIRE_GRACE_MS, sweepStale, tempName } from './temp_names.js';

/** Options of the atomic writers: whether a non-empty target may be replaced. */
export interface WriteOptions {
  /** Replace a non-empty target folder (never an input model's folder). */
  readonly overwrite?: boolean;
  /**
   * The target lies inside a folder that is itself being published atomically (e.g. the CLI's
   * run folder): it must not exist, and is written in place without a version and link of its own.
   */
  readonly fresh?: boolean;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses a target that is a file, an input model's folder (or inside/around one), or non-empty without overwrite. */
export async function checkTarget(dir: string, opts: WriteOptions = {}): Promise<void> {
  const target = resolve(dir);
  await refuseInputOverlap(target);
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
  if (opts.fresh || (!opts.overwrite && (await readdir(target)).length > 0)) {
    throw new OutputError(
      'E_OUTPUT_EXISTS',
      `Refusing to save into '${target}': the folder is not empty. Pass { overwrite: true } to replace it, or pick a new folder.`,
      { dir: target },
    );
  }
}

async function writeNew(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'wx', 0o666);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some platforms cannot fsync a folder; the rename is still atomic.
  }
}

/**
 * Writes `data` to `file` atomically: a temp file beside it, fsync, rename over the target, fsync
 * the folder. A reader sees the old file or the complete new one. Replaces an existing file.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<string> {
  const target = resolve(file);
  await refuseInputOverlap(target);
  return mapOutputFault(target, 'write the file', async () => {
    await mkdir(dirname(target), { recursive: true, mode: 0o777 });
    await sweepStale(target);
    const tmp = tempName(target, 'tmp');
    try {
      await writeNew(tmp, data);
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    await syncDir(dirname(target));
    return target;
  });
}

function claimed(target: string): OutputError {
  return new OutputError(
    'E_OUTPUT_EXISTS',
    `'${target}' was created by another writer while this save was running; this save kept nothing. ` +
      'Save to another folder, or pass { overwrite: true } to replace it.',
    { dir: target },
  );
}

// Replaced versions are removed after a grace period, not at once: a reader that resolved the
// symlink a moment before the swap (or is reading shards of the old version) would otherwise find
// its folder gone. A marker file beside the target names the replaced version, so if this process
// dies before the timer the next write to the target removes it (sweepStale); pending removals
// also run when the process is about to exit.
const retiring = new Map<string, { timer: NodeJS.Timeout; marker: string }>();
let exitHook = false;

/** Writes the marker naming `version` as replaced (before the swap, so no crash can skip it). */
async function markRetiring(version: string, target: string): Promise<string> {
  const marker = tempName(target, 'r');
  await writeFile(marker, basename(version), { mode: 0o666 });
  return marker;
}

function retire(version: string, marker: string): void {
  const timer = setTimeout(() => void drop(version), RETIRE_GRACE_MS);
  timer.unref();
  retiring.set(version, { timer, marker });
  if (!exitHook) {
    exitHook = true;
    process.on('beforeExit', () => {
      if (retiring.size > 0) void flushRetired();
    });
  }
}

async function drop(version: string): Promise<void> {
  const r = retiring.get(version);
  if (!r) return;
  clearTimeout(r.timer);
  retiring.delete(version);
  await rm(version, { recursive: true, force: true }).catch(() => {});
  await rm(r.marker, { force: true }).catch(() => {});
}

/** Removes replaced model versions now instead of after their grace period (tests, before exit). */
export async function flushRetired(): Promise<void> {
  await Promise.all([...retiring.keys()].map(drop));
}

/** Points `target` at `version` (a sibling folder name): the exclusive claim or the atomic swap. */
async function link(target: string, version: string, opts: WriteOptions): Promise<void> {
  const parent = dirname(target);
  const exclusive = async () => {
    try {
      await symlink(version, target);
    } catch (e) {
      throw (e as NodeJS.ErrnoException).code === 'EEXIST' ? claimed(target) : e;
    }
  };
  const st = await lstat(target).catch(() => null);
  if (!st) return exclusive();
  await checkTarget(target, opts); // it may have appeared since the first check
  if (st.isDirectory() && (await readdir(target)).length === 0) {
    // An empty plain folder (e.g. made by the user): take its place, still exclusively.
    await rmdir(target).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') throw e;
    });
    return exclusive();
  }
  const tmpLink = tempName(target, 'lnk');
  await symlink(version, tmpLink);
  try {
    if (st.isSymbolicLink()) {
      const old = await readlink(target);
      const managed = old.startsWith(`.${basename(target)}.v-`) && !old.includes('/');
      const marker = managed ? await markRetiring(join(parent, old), target) : undefined;
      await rename(tmpLink, target); // the atomic pointer swap
      if (marker) retire(join(parent, old), marker);
      return;
    }
    // A plain folder from elsewhere (tfjs, an older prunekit): moved aside, then replaced. A crash
    // between the two renames leaves it under '.name.old-*', which the next write moves back.
    const aside = tempName(target, 'old');
    await rename(target, aside);
    await rename(tmpLink, target);
    await rm(aside, { recursive: true, force: true });
  } finally {
    await rm(tmpLink, { force: true });
  }
}

/**
 * Publishes the folder `dir` atomically: `fill` writes its contents into a staging folder, which
 * then becomes the target in one step (see the module comment). On any error the staging folder is
 * removed and the target is left as it was. Filesystem faults become OutputError (code E_OUTPUT).
 */
export async function publishFolder(
  dir: string,
  fill: (staging: string) => Promise<void>,
  opts: WriteOptions = {},
): Promise<string> {
  const target = resolve(dir);
  await checkTarget(target, opts);
  return mapOutputFault(target, 'write the folder', async () => {
    const parent = dirname(target);
    await mkdir(parent, { recursive: true, mode: 0o777 });
    if (opts.fresh) {
      try {
        await mkdir(target, { mode: 0o777 }); // exclusive: the claim
      } catch (e) {
        throw (e as NodeJS.ErrnoException).code === 'EEXIST' ? claimed(target) : e;
      }
      try {
        await fill(target);
        await syncDir(target);
      } catch (e) {
        await rm(target, { recursive: true, force: true });
        throw e;
      }
      return target;
    }
    await sweepStale(target);
    const version = tempName(target, 'v');
    await mkdir(version, { mode: 0o777 });
    try {
      await fill(version);
      await syncDir(version);
      await link(target, basename(version), opts);
    } catch (e) {
      await rm(version, { recursive: true, force: true });
      throw e;
    }
    await syncDir(parent);
    return target;
  });
}

/** Writes `files` (plain names → contents) as the folder `dir`, atomically (publishFolder). */
export async function writeFilesAtomic(
  dir: string,
  files: ReadonlyMap<string, Uint8Array | string>,
  opts: WriteOptions = {},
): Promise<string> {
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
  return publishFolder(
    dir,
    async (staging) => {
      for (const [name, data] of files) await writeNew(join(staging, name), data);
    },
    opts,
  );
}
