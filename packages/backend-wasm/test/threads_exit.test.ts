import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const src = (p: string) => pathToFileURL(resolve(root, p)).href;

// A process that starts threads, runs a threaded product, disposes one handle and forgets a second:
// it must still exit by itself (workers are unref'd and terminated on dispose), with code 0.
const child = `
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '${src('packages/backend-wasm/src/index.ts')}';
import { useThreads } from '${src('packages/backend-wasm/src/threads/index.ts')}';
import { sparseFromDense, sparseMatMul, toSparseTensors } from '${src('packages/sparse/src/index.ts')}';
tf.env().set('PROD', true);
await useBackend();
const w = Float32Array.from({ length: 64 * 64 }, (_, i) => (i % 7 === 0 ? 1 : 0));
const s = toSparseTensors(sparseFromDense(w, [64, 64], { format: 'csr' }));
const x = tf.ones([64, 32]);
const first = await useThreads({ workers: 1, minWork: 0 });
sparseMatMul(s, x).dispose();
await first.dispose();
const forgotten = await useThreads({ workers: 1, minWork: 0 });
const y = sparseMatMul(s, x);
console.log('ok', tf.getBackend(), forgotten.weightSets, y.dataSync()[0]);
`;

it('a process with threads started (one handle disposed, one forgotten) exits by itself', () => {
  // Inside the package's node_modules (ignored by git) so that bare imports resolve from there.
  const dir = mkdtempSync(join(root, 'packages/backend-wasm/node_modules/.threads-exit-'));
  try {
    const file = join(dir, 'child.mts');
    writeFileSync(file, child);
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      cwd: resolve(root, 'packages/backend-wasm'),
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    // 64x64 with every 7th entry 1, times ones: row 0 holds columns 0, 7, …, 63 → 10.
    expect(r.stdout.trim()).toBe('ok wasm 1 10');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
