import { BackendError, InvalidArgumentError } from '@prunekit/core';

/** prunekit's compiled kernel files (the package's `build/` folder). */
export const KERNEL_FILES = ['sparse-relaxed.wasm', 'sparse.wasm', 'train.wasm'] as const;
/** One of prunekit's kernel file names (KERNEL_FILES). */
export type KernelFile = (typeof KERNEL_FILES)[number];

/** Where each kernel file is fetched from: a folder prefix, or one URL per file name. */
export type WasmPaths = string | URL | Partial<Record<KernelFile, string | URL>>;

let paths: WasmPaths | undefined;
const bytes = new Map<KernelFile, Uint8Array<ArrayBuffer>>();

/**
 * Where prunekit's .wasm kernels are served from, like tfjs-backend-wasm's `setWasmPaths`: a folder
 * URL ending in '/' (e.g. '/prunekit-wasm/', holding the files of
 * `node_modules/@prunekit/backend-wasm/build/`) or a map from file name to URL. Call it before
 * `useBackend()` / `loadKernelFiles()`. In Node it is optional: the files are read from the package.
 * `undefined` goes back to the package's own copies.
 */
export function setKernelPaths(where: WasmPaths | undefined): void {
  if (typeof where === 'string' && !where.endsWith('/') && !where.endsWith('.wasm')) {
    throw new InvalidArgumentError(
      `setKernelPaths: '${where}' must be a folder URL ending in '/' (or a map of file name to URL).`,
      { field: 'where' },
    );
  }
  paths = where;
  bytes.clear();
}

function nodeFs(): { readFileSync(u: URL): Uint8Array } | undefined {
  const proc = (
    globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?(id: string): unknown } }
  ).process;
  if (!proc?.versions?.node || typeof proc.getBuiltinModule !== 'function') return undefined;
  return proc.getBuiltinModule('node:fs') as { readFileSync(u: URL): Uint8Array };
}

/** The package's own copy of `file` (relative to this module: src/ and dist/ sit beside build/). */
function packagedUrl(file: KernelFile): URL | undefined {
  try {
    return new URL(`../build/${file}`, import.meta.url);
  } catch {
    return undefined; // import.meta.url is not a URL (e.g. inside a classic-script bundle)
  }
}

/** The URL `file` is fetched from: setKernelPaths's, else the package's own copy. */
export function kernelUrl(file: KernelFile): URL | undefined {
  if (paths === undefined) return packagedUrl(file);
  const base = typeof globalThis.location === 'object' ? globalThis.location.href : undefined;
  if (typeof paths === 'string' || paths instanceof URL) {
    const prefix = String(paths);
    return new URL(prefix.endsWith('.wasm') ? prefix : `${prefix}${file}`, base);
  }
  const one = paths[file];
  return one === undefined ? undefined : new URL(String(one), base);
}

function notLoaded(file: KernelFile, why: string): BackendError {
  return new BackendError(
    `prunekit's kernel file ${file} is not loaded (${why}). In a browser, serve the files of ` +
      "@prunekit/backend-wasm/build/ and call setKernelPaths('/their/folder/') before " +
      '`await useBackend()` (or `await loadKernelFiles()`); in Node, build @prunekit/backend-wasm ' +
      '(pnpm --filter @prunekit/backend-wasm build).',
    { file, cause: why },
  );
}

/**
 * Fetches the kernel files (setKernelPaths's URLs, or the package's own) so the kernels can start
 * synchronously. useBackend() calls it; call it yourself before registerAllKernels() in a browser.
 * In Node with no setKernelPaths the files are read from the package instead.
 */
export async function loadKernelFiles(files: readonly KernelFile[] = KERNEL_FILES): Promise<void> {
  const fs = paths === undefined ? nodeFs() : undefined;
  await Promise.all(
    files.map(async (file) => {
      if (bytes.has(file)) return;
      if (fs) {
        bytes.set(file, readPackaged(fs, file));
        return;
      }
      const url = kernelUrl(file);
      if (!url) throw notLoaded(file, 'setKernelPaths gave no URL for it');
      let res: Response;
      try {
        res = await fetch(url);
      } catch (e) {
        throw notLoaded(file, `fetching ${url} failed: ${(e as Error).message}`);
      }
      if (!res.ok) throw notLoaded(file, `${url} answered HTTP ${res.status}`);
      bytes.set(file, new Uint8Array(await res.arrayBuffer()));
    }),
  );
}

function readPackaged(fs: { readFileSync(u: URL): Uint8Array }, file: KernelFile): Uint8Array<ArrayBuffer> {
  const url = packagedUrl(file);
  if (!url) throw notLoaded(file, 'the package folder is unknown');
  try {
    return new Uint8Array(fs.readFileSync(url));
  } catch (e) {
    throw notLoaded(file, `cannot read ${url.pathname}: ${(e as Error).message}`);
  }
}

/**
 * The bytes of `file`, loaded before (loadKernelFiles) or, in Node without setKernelPaths, read from
 * the package now. Throws a BackendError saying what to call when neither is possible.
 */
export function kernelBytes(file: KernelFile): Uint8Array<ArrayBuffer> {
  const got = bytes.get(file);
  if (got) return got;
  const fs = paths === undefined ? nodeFs() : undefined;
  if (!fs) throw notLoaded(file, 'loadKernelFiles() has not fetched it yet');
  const read = readPackaged(fs, file);
  bytes.set(file, read);
  return read;
}
