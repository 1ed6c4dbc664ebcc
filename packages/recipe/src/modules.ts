/**
 * Third-party code a recipe names: `{ module, export }`. How a module name is found and loaded is a
 * value passed in (a {@link ModuleImporter}); the default here is browser-safe: paths and URLs are
 * resolved against the recipe's folder as URLs and loaded with `import()`. Node programs that want
 * packages resolved from the recipe's folder use `nodeImporter` from `@prunekit/recipe/node`.
 */
import { RecipeError } from './validate.js';

/**
 * Loads `module` (a package name, a path relative to `baseDir`, an absolute path or a URL) as seen
 * from the recipe's folder `baseDir`, and returns its exports.
 */
export type ModuleImporter = (module: string, baseDir: string) => Promise<Record<string, unknown>>;

/** Loads a resolved specifier (a URL or a package name); the default is `import()`. */
export type SpecifierLoader = (specifier: string) => Promise<Record<string, unknown>>;

const nativeLoad: SpecifierLoader = async (specifier) => (await import(specifier)) as Record<string, unknown>;

/** Whether `s` starts with a URL scheme (two or more letters, so a Windows drive `C:` is a path). */
export const isUrlLike = (s: string): boolean => /^[a-z][a-z0-9+.-]+:/i.test(s);

/** `baseDir` as a folder URL: kept when it is a URL already, else a file URL of the POSIX path. */
function folderUrl(baseDir: string): string {
  const withSlash = baseDir.endsWith('/') ? baseDir : `${baseDir}/`;
  if (isUrlLike(baseDir)) return withSlash;
  return new URL(`file://${encodeURI(withSlash.startsWith('/') ? withSlash : `/${withSlash}`)}`).href;
}

/**
 * Resolves `module` without Node: a URL stays, a path (`./x`, `../x`, `/x`) is resolved against the
 * recipe folder's URL, a package name is left for `import()` (an import map or a bundler) to find.
 */
export function urlModuleSpecifier(module: string, baseDir: string): string {
  if (isUrlLike(module)) return module;
  if (module.startsWith('.') || module.startsWith('/')) return new URL(module, folderUrl(baseDir)).href;
  return module;
}

/** The browser-safe importer: {@link urlModuleSpecifier}, then `load` (default `import()`). */
export function urlImporter(load: SpecifierLoader = nativeLoad): ModuleImporter {
  return (module, baseDir) => load(urlModuleSpecifier(module, baseDir));
}

/** One export of a module; errors name the module, the export and the field. */
export async function importExport(
  ref: { readonly module: string; readonly export: string },
  baseDir: string,
  field: string,
  importer: ModuleImporter = urlImporter(),
): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = await importer(ref.module, baseDir);
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
