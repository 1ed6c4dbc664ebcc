import { defineConfig, type Plugin } from 'vite';

/** Fails the build when anything the page bundles imports a Node built-in (no stubs, no shims). */
const noNodeBuiltins: Plugin = {
  name: 'prunekit-no-node-builtins',
  enforce: 'pre',
  resolveId(id, importer) {
    if (id.startsWith('node:')) {
      throw new Error(
        `${importer ?? 'the page'} imports ${id}: the page must use the packages' browser entries.`,
      );
    }
    return null;
  },
};

// Workspace packages resolve through their main (browser) entries; the `source` condition points
// those at the same entry's TypeScript instead of dist/, so the page needs no package build.
export default defineConfig({
  plugins: [noNodeBuiltins],
  resolve: { conditions: ['source'] },
  worker: { format: 'es', plugins: () => [noNodeBuiltins] },
  server: { fs: { allow: ['../..'] } },
  build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
});
