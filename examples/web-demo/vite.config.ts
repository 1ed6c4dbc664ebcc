import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const stub = fileURLToPath(new URL('./src/node_stub.ts', import.meta.url));

// @prunekit/layers re-exports its file-system IO next to the browser-safe graph/mask code; the
// page never calls the IO, so node:fs/node:path resolve to a stub whose functions throw if called.
export default defineConfig({
  resolve: {
    conditions: ['source'],
    alias: [{ find: /^node:(fs\/promises|fs|path)$/, replacement: stub }],
  },
  server: { fs: { allow: ['../..'] } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
