/**
 * Browser bundles as a user makes them: esbuild --platform=browser over each browser-facing
 * package's main entry with nothing stubbed or marked external but tfjs (0 errors, no Node
 * built-in, no Dawn), then one page program (prune + fine-tune a small CNN) run in Chromium on
 * 'webgl' and on 'wasm' with prunekit's kernels fetched by URL.
 */
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from '@prunekit/test-utils';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
/** Every public package meant to run in a browser, by its browser entry. */
const BROWSER_ENTRIES = [
  '@prunekit/core',
  '@prunekit/layers',
  '@prunekit/scorers',
  '@prunekit/pruners',
  '@prunekit/finetune',
  '@prunekit/sparse',
  '@prunekit/compress',
  '@prunekit/report',
  '@prunekit/recipe',
  '@prunekit/graph-model',
  '@prunekit/backend-wasm',
  '@prunekit/backend-webgl',
  '@prunekit/backend-node-gpu/browser',
];

function bundle(contents: string, external: string[]) {
  return build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    external,
    logLevel: 'silent',
  });
}

describe('browser bundles (esbuild --platform=browser)', () => {
  for (const spec of BROWSER_ENTRIES) {
    it(`${spec}: bundles with 0 errors, no Node built-in and no Dawn`, async () => {
      const out = await bundle(`export * from '${spec}';`, ['@tensorflow/*']);
      expect(out.errors).toEqual([]);
      const inputs = Object.keys(out.metafile.inputs);
      expect(inputs.filter((i) => /(^|\/)node_modules\/(\.pnpm\/)?webgpu[@/]/.test(i))).toEqual([]);
      const imports = Object.values(out.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
      expect(imports.filter((p) => p.startsWith('node:'))).toEqual([]);
    });
  }
});

interface RunResult {
  asked: string;
  active: string;
  info?: { name: string };
  params?: { dense: number; pruned: number };
  losses?: number[];
  steps?: number;
  conv2dBackpropFilterOnWasm?: boolean;
  leaked?: number;
  error?: string;
}

describe('a bundled prune + fine-tune program in Chromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let openError: unknown;
  const requested: string[] = [];
  let origin = '';

  beforeAll(async () => {
    try {
      requireChromium();
      const out = await bundle(readFileSync(join(ROOT, 'test/browser/page.ts'), 'utf8'), []);
      const script = out.outputFiles[0].text;
      const tfjsWasmDir = dirname(
        createRequire(join(ROOT, 'package.json')).resolve(
          '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
        ),
      );
      const files: Record<string, string> = {
        '/tfjs-wasm/': tfjsWasmDir,
        '/prunekit-wasm/': join(ROOT, 'packages/backend-wasm/build'),
      };
      server = createServer((req, res) => {
        const url = req.url ?? '/';
        requested.push(url);
        if (url === '/') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
          return;
        }
        if (url === '/page.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(script);
          return;
        }
        const prefix = Object.keys(files).find((p) => url.startsWith(p));
        const name = prefix ? basename(url.slice(prefix.length)) : '';
        try {
          const body = readFileSync(join(files[prefix!], name));
          res.writeHead(200, { 'content-type': 'application/wasm' });
          res.end(body);
        } catch {
          res.writeHead(404);
          res.end();
        }
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [...CHROMIUM_ARGS],
        timeout: 30_000,
      });
    } catch (e) {
      openError = e;
    }
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function runIn(backend: 'webgl' | 'wasm'): Promise<RunResult> {
    if (!browser) throw openError;
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => (globalThis as { prunekit?: unknown }).prunekit != null, null, {
        timeout: 20_000,
      });
      return await page.evaluate(
        (b) =>
          (globalThis as unknown as { prunekit: { run(b: string): Promise<RunResult> } }).prunekit.run(b),
        backend,
      );
    } finally {
      await page.close();
    }
  }

  for (const backend of ['webgl', 'wasm'] as const) {
    it(`${backend}: the channel-pruned CNN fine-tunes (loss falls), backend really active, no leaks`, async () => {
      const r = await runIn(backend);
      expect(r.error).toBeUndefined();
      expect(r.active).toBe(backend);
      expect(r.params!.pruned).toBeLessThan(r.params!.dense * 0.6);
      expect(r.steps).toBe(4 * 8);
      expect(r.losses).toHaveLength(4);
      expect(r.losses!.at(-1)!).toBeLessThan(r.losses![0]);
      expect(r.leaked).toBe(0);
      if (backend === 'wasm') {
        expect(r.conv2dBackpropFilterOnWasm).toBe(true);
        expect(r.info?.name).toMatch(/prunekit kernels/);
        // prunekit's kernels and tfjs-wasm's binary came by URL from the folders setKernelPaths named.
        expect(requested).toContain('/prunekit-wasm/train.wasm');
        expect(requested.some((u) => /^\/prunekit-wasm\/sparse(-relaxed)?\.wasm$/.test(u))).toBe(true);
        expect(requested.some((u) => /^\/tfjs-wasm\/tfjs-backend-wasm.*\.wasm$/.test(u))).toBe(true);
      }
    });
  }
});
