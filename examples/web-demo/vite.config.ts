import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const stub = fileURLToPath(new URL('./src/node_stub.ts', import.meta.url));

// Some package main entries still import node:* next to their browser-safe code; the page never
// calls those parts, so the imports resolve to a stub whose functions throw if called.
export default defineConfig({
  resolve: {
    conditions: ['source'],
    alias: [{ find: /^node:(fs\/promises|fs|path|os|crypto|module|worker_threads)$/, replacement: stub }],
  },
  worker: { format: 'es' },
  server: { fs: { allow: ['../..'] } },
  build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
});
