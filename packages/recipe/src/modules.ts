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

/**
 * Loads a module from its specifier (a file URL or a package name). The default is `import()`;
 * a program that can load TypeScript on plain Node (the CLI, through tsx) passes its own.
 */
export type ModuleImporter = (specifier: string) => Promise<Record<string, unknown>>;

const nativeImport: ModuleImporter = async (specifier) =>
  (await import(specifier)) as Record<string, unknown>;

/** One export of a module; errors name the module, the export and the field. */
export async function importExport(
  ref: { readonly module: string; readonly export: string },
  baseDir: string,
  field: string,
  importer: ModuleImporter = nativeImport,
): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = await importer(moduleUrl(ref.module, baseDir));
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
