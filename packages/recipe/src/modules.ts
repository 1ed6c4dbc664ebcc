/**
 * Third-party code a recipe names: `{ module, export }`. A module is a package name (resolved from
 * the recipe's folder, as Node resolves imports there) or a path relative to the recipe.
 */
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RecipeError } from './validate.js';

const isPath = (m: string) => m.startsWith('.') || isAbsolute(m);

/** The file URL of `module` as seen from `baseDir`. */
export function moduleUrl(module: string, baseDir: string): string {
  if (isPath(module)) return pathToFileURL(resolve(baseDir, module)).href;
  try {
    // Resolve from the recipe's folder, so a package installed beside the recipe is found.
    return pathToFileURL(createRequire(join(baseDir, 'recipe.js')).resolve(module)).href;
  } catch {
    // ESM-only packages (no "require" condition): let import() resolve it from here.
    return module;
  }
}

/** One export of a module; errors name the module, the export and the field. */
export async function importExport(
  ref: { readonly module: string; readonly export: string },
  baseDir: string,
  field: string,
): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(moduleUrl(ref.module, baseDir))) as Record<string, unknown>;
  } catch (e) {
    throw new RecipeError(
      `${field}.module: cannot load '${ref.module}' (from ${baseDir}): ${(e as Error).message.split('\n')[0]}. Install the package or fix the path.`,
      { field: `${field}.module`, module: ref.module },
    );
  }
  if (!(ref.export in mod)) {
    throw new RecipeError(
      `${field}.export: '${ref.module}' has no export '${ref.export}'; it exports ${Object.keys(mod).join(', ') || 'nothing'}.`,
      { field: `${field}.export`, module: ref.module },
    );
  }
  return mod[ref.export];
}
