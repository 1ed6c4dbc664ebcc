/** Node's way of finding a recipe's `module:`: packages resolved from the recipe's folder, as Node resolves imports there. */
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isUrlLike, type ModuleImporter, type SpecifierLoader } from '../modules.js';

const isPath = (m: string) => m.startsWith('.') || isAbsolute(m);

/** The file URL of `module` as seen from `baseDir` (a package name resolved from that folder). */
export function moduleUrl(module: string, baseDir: string): string {
  if (isUrlLike(module)) return module;
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
 * The Node importer: {@link moduleUrl}, then `load` (default `import()`; a program that can load
 * TypeScript on plain Node, like the CLI through tsx, passes its own).
 */
export function nodeImporter(
  load: SpecifierLoader = async (s) => (await import(s)) as Record<string, unknown>,
): ModuleImporter {
  return (module, baseDir) => load(moduleUrl(module, baseDir));
}
