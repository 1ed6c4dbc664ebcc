import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ModelFormatError } from '@prunekit/core';

function refuseEscape(entry: string, dir: string, why: string): never {
  throw new ModelFormatError(
    'E_PATH_ESCAPE',
    `Weight file '${entry}' ${why}; weight files must sit inside the model folder '${dir}'. ` +
      'Fix weightsManifest[].paths in model.json to plain file names relative to model.json.',
    { path: entry, dir },
  );
}

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Resolves a manifest path against the model folder, refusing absolute, remote and escaping paths. */
export function confinePath(dir: string, entry: string): string {
  if (isAbsolute(entry) || /^[a-zA-Z]:[\\/]/.test(entry) || entry.startsWith('\\'))
    refuseEscape(entry, dir, 'is absolute');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(entry)) refuseEscape(entry, dir, 'is a URL');
  if (entry.includes('\0')) refuseEscape(entry, dir, 'contains a NUL byte');
  const file = resolve(dir, entry);
  if (!inside(resolve(dir), file)) refuseEscape(entry, dir, 'points outside the model folder');
  return file;
}

/** After the file is known to exist: refuses a symlink (or linked folder) that leads outside. */
export async function confineRealPath(dir: string, entry: string, file: string): Promise<void> {
  const [realDir, realFile] = await Promise.all([realpath(dir), realpath(file)]);
  if (!inside(realDir, realFile))
    refuseEscape(entry, dir, `is a link to '${realFile}', outside the model folder`);
}
