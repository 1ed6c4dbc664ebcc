/**
 * Bundles page.ts with esbuild, serves it from 127.0.0.1 (a secure context, which WebGPU needs)
 * and opens it in Debian's chromium through playwright-core. Never downloads a browser: when
 * /usr/bin/chromium (or PRUNEKIT_CHROMIUM) is missing it throws, so a CI run without it fails.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from '@prunekit/test-utils';
import { type Browser, type Page, chromium } from 'playwright-core';

export { CHROMIUM, CHROMIUM_ARGS };

const NODE_BUILTINS =
  /^(node:)?(fs|fs\/promises|path|url|os|crypto|module|worker_threads|child_process|util|stream|zlib)$/;

/** The page script as one ES2022 bundle (workspace packages read from source). */
export async function bundlePage(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    // Dawn (npm `webgpu`) is Node-only and only imported lazily by the Node adapter.
    external: ['webgpu'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    plugins: [
      {
        // Node built-ins reached through other packages' Node-only paths are never called in the page.
        name: 'empty-node-builtins',
        setup(b) {
          b.onResolve({ filter: NODE_BUILTINS }, (args) => ({ path: args.path, namespace: 'empty' }));
          b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({
            contents: 'export default {};',
            loader: 'js',
          }));
        },
      },
    ],
  });
  return out.outputFiles[0].text;
}

export interface BrowserPage {
  readonly page: Page;
  readonly version: string;
  close(): Promise<void>;
}

/** Starts the server and chromium and loads the page; call close() when done. */
export async function openPage(): Promise<BrowserPage> {
  requireChromium();
  const script = await bundlePage();
  const html = '<!doctype html><meta charset="utf-8"><title>prunekit</title><script src="/page.js"></script>';
  const server: Server = createServer((req, res) => {
    const js = req.url === '/page.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? script : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], timeout: 30_000 });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as { prunekit?: unknown }).prunekit != null, null, {
      timeout: 20_000,
    });
    const b = browser;
    return {
      page,
      version: b.version(),
      async close() {
        await b.close();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
