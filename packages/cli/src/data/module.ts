/**
 * Evaluation data from a data module. A data module exports
 *   generateDataset(count: number, seed: number) → { count, images, labels, numClasses, classNames? }
 * with `images` holding `count` samples back to back (Uint8Array scaled by 1/255, or Float32Array
 * as is) in the model's input layout, and `labels` one class index per sample. The traffic-sign
 * example's src/generator.ts has exactly this shape.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeImporter } from '@prunekit/recipe/node';
import { UsageError } from '../errors.js';

export interface GeneratedData {
  readonly count: number;
  readonly images: Uint8Array | Float32Array;
  readonly labels: Int32Array | readonly number[];
  readonly numClasses: number;
  readonly classNames?: readonly string[];
}

export interface DataModule {
  readonly path: string;
  generateDataset(count: number, seed: number): GeneratedData;
}

/** Where the data module is: the recipe's data.generator, else --data, else src/generator.ts beside the recipe. */
export function findDataModule(opts: {
  generator?: string;
  baseDir: string;
  flag?: string;
}): { path: string; how: string } | undefined {
  if (opts.flag) return { path: resolve(opts.flag), how: '--data' };
  if (opts.generator) {
    return {
      path: isAbsolute(opts.generator) ? opts.generator : resolve(opts.baseDir, opts.generator),
      how: 'data.generator',
    };
  }
  for (const rel of ['src/generator.ts', 'generator.ts', 'src/generator.js', 'generator.js']) {
    const p = join(opts.baseDir, rel);
    if (existsSync(p))
      return { path: p, how: `found beside the recipe (set data.generator to choose another)` };
  }
  return undefined;
}

export async function loadDataModule(path: string): Promise<DataModule> {
  if (!existsSync(path))
    throw new UsageError(`Data module '${path}' does not exist; fix data.generator or --data.`, {
      file: path,
    });
  let mod: Record<string, unknown>;
  try {
    mod = await importSource(path);
  } catch (e) {
    throw new UsageError(`Data module '${path}' failed to load: ${(e as Error).message.split('\n')[0]}`, {
      file: path,
    });
  }
  const gen = mod.generateDataset;
  if (typeof gen !== 'function') {
    throw new UsageError(
      `Data module '${path}' must export generateDataset(count, seed) returning { count, images, labels, numClasses }; it exports ${Object.keys(mod).join(', ') || 'nothing'}.`,
      { file: path },
    );
  }
  return { path, generateDataset: gen as DataModule['generateDataset'] };
}

/**
 * Imports a JS or TypeScript module. Node 20 cannot import .ts itself, so TypeScript goes through
 * tsx's tsImport (the same loader `pnpm prunekit` runs under in this repository), which also
 * handles the .ts files that module imports; JS is imported as is.
 */
export function importSource(path: string): Promise<Record<string, unknown>> {
  return importModule(pathToFileURL(path).href);
}

/** The same for a specifier (a file URL or a package name): the recipe's `module:` scorers and pruners. */
export async function importModule(specifier: string): Promise<Record<string, unknown>> {
  if (!/\.[cm]?tsx?$/.test(specifier)) return (await import(specifier)) as Record<string, unknown>;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(specifier, import.meta.url)) as Record<string, unknown>;
}

/** The recipe's `module:` scorers and pruners: packages resolved from the recipe's folder, .ts through tsx. */
export const recipeModuleImporter = nodeImporter(importModule);

/** Seeds of the splits: val and test as the traffic-sign example derives them, so accuracies compare. */
export function splitSeeds(seed: number): { val: number; test: number; finetune: number } {
  return { val: seed * 1000 + 1, test: seed * 1000 + 2, finetune: seed * 1000 + 100 };
}
