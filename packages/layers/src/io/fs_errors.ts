import { OutputError, PrunekitError } from '@prunekit/core';

// What to do about each filesystem fault, in the words a user needs.
const ADVICE: Record<string, string> = {
  EACCES: 'no permission to write there; pick a folder you own or fix its permissions',
  EPERM: 'the operation is not permitted there; pick a folder you own',
  EROFS: 'the file system is read-only; pick a writable folder',
  ENOTDIR: 'a part of the path is a regular file, not a folder; pick another path',
  EISDIR: 'a folder stands where a file should go; pick another path',
  ENAMETOOLONG: 'a path component is too long (most file systems allow 255 bytes); use a shorter name',
  ENOSPC: 'the disk is full; free some space or write elsewhere',
  EDQUOT: 'the disk quota is used up; free some space or write elsewhere',
  EMFILE: 'too many files are open; retry with fewer parallel jobs',
  ENOENT: 'a folder on the path vanished while writing; retry',
  ELOOP: 'the path has a symlink loop; fix the links',
  EIO: 'the device reported an I/O error; check the disk',
};

/**
 * Turns a Node filesystem error met while writing `path` into an OutputError naming the path,
 * the error code and what to do. PrunekitErrors pass through; anything else is rethrown as is.
 */
export function outputFault(e: unknown, path: string, doing: string): Error {
  if (e instanceof PrunekitError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e as Error;
  const advice = ADVICE[code] ?? (e as Error).message;
  return new OutputError(
    'E_OUTPUT',
    `Cannot ${doing} '${path}' (${code}): ${advice}. Nothing was replaced.`,
    {
      path,
      errno: code,
    },
  );
}

/** Runs `fn`, mapping a filesystem error to outputFault(…, path, doing). */
export async function mapOutputFault<T>(path: string, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw outputFault(e, path, doing);
  }
}
