/** Output folder handling: refuse a non-empty folder unless --overwrite, before any work starts. */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

export function checkOutDir(dir: string, overwrite: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new UsageError(`--out '${dir}' is a file; give a folder.`, { field: 'out' });
  if (!overwrite && readdirSync(dir).length > 0) {
    throw new UsageError(`--out '${dir}' is not empty; choose another folder or pass --overwrite.`, {
      field: 'out',
    });
  }
}

/** Writes a text file through a temp file and a rename, so readers never see half a file. */
export function writeTextFile(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return path;
}
