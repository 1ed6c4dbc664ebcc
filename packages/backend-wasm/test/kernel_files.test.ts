import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, InvalidArgumentError, selectBackend } from '@prunekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { KERNEL_FILES, kernelUrl, loadKernelFiles, setKernelPaths, wasmAdapter } from '../src/index.js';

const BUILD = join(import.meta.dirname, '..', 'build');

describe('kernel files by URL (setKernelPaths)', () => {
  afterEach(() => setKernelPaths(undefined));

  it('maps a folder prefix or per-file URLs, and refuses a prefix without a trailing slash', () => {
    setKernelPaths('http://cdn.test/pk/');
    expect(String(kernelUrl('train.wasm'))).toBe('http://cdn.test/pk/train.wasm');
    setKernelPaths({ 'train.wasm': 'http://other.test/t.wasm' });
    expect(String(kernelUrl('train.wasm'))).toBe('http://other.test/t.wasm');
    expect(kernelUrl('sparse.wasm')).toBeUndefined();
    expect(() => setKernelPaths('http://cdn.test/pk')).toThrow(InvalidArgumentError);
  });

  it('fetches every kernel file from the URLs given (here from a local server) and says which one failed', async () => {
    const served: string[] = [];
    const server = createServer((req, res) => {
      served.push(req.url ?? '');
      const name = (req.url ?? '').replace('/k/', '');
      if (!(KERNEL_FILES as readonly string[]).includes(name)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(join(BUILD, name)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      setKernelPaths(`${origin}/k/`);
      await loadKernelFiles();
      expect(served.sort()).toEqual(KERNEL_FILES.map((f) => `/k/${f}`).sort());
      setKernelPaths(`${origin}/missing/`);
      const err = await loadKernelFiles(['train.wasm']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect(String((err as Error).message)).toMatch(/train\.wasm.*HTTP 404.*setKernelPaths/s);
    } finally {
      server.close();
    }
  });

  it('wasmAdapter: selectBackend starts wasm with the kernels registered (no silent fallback)', async () => {
    const got = await selectBackend({ prefer: ['wasm'], adapters: [wasmAdapter()] });
    expect(tf.getBackend()).toBe('wasm');
    expect(got.info.name).toMatch(/prunekit kernels \((relaxed-simd|simd)\)/);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(got.adapter.kernels.length).toBeGreaterThanOrEqual(7);
  });
});
