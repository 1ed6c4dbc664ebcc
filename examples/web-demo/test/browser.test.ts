import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAndServe, type Served } from './serve.js';

const CHROMIUM = process.env.PRUNEKIT_CHROMIUM ?? '/usr/bin/chromium';
// The flags packages/backend-webgl/test/browser/harness.ts measured to give WebGL2 on CPU-only Linux.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

interface PageMeasured {
  accuracy: number;
  nonzero: number;
  params: number;
  latencyMs: Record<string, number>;
  gallery: number[];
}

describe('web demo in Chromium', () => {
  let browser: Browser | undefined;
  let served: Served | undefined;
  afterAll(async () => {
    await browser?.close();
    served?.close();
  });

  it('loads on webgl, prunes in the page, shows the numbers; screenshot saved', async () => {
    // A missing Chromium fails this test (never a skip): `pnpm test` installs it from .ci/apt-packages.
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set PRUNEKIT_CHROMIUM.`,
      );
    }
    served = await buildAndServe();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
    const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served.url}?test=128&runs=5`);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.status ?? ''), null, {
      timeout: 45_000,
    });
    expect(await page.evaluate(() => document.body.dataset.status)).toBe('ready');
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { prunekitDemo: { backend(): string } }).prunekitDemo.backend(),
      ),
    ).toBe('webgl');
    const dense = await page.evaluate(
      () => (globalThis as unknown as { prunekitDemo: { dense: PageMeasured } }).prunekitDemo.dense,
    );
    expect(dense.accuracy).toBeGreaterThan(0.5);
    expect(dense.latencyMs.webgl).toBeGreaterThan(0);
    expect(dense.latencyMs.wasm).toBeGreaterThan(0);

    // Prune through the UI: pick a method and a sparsity, click.
    await page.selectOption('#method', 'unstructured-magnitude');
    await page.fill('#sparsity', '0.8');
    await page.click('#prune');
    await page.waitForFunction(() => ['pruned', 'error'].includes(document.body.dataset.status ?? ''), null, {
      timeout: 45_000,
    });
    expect(await page.textContent('#status')).toBe('pruned: unstructured-magnitude at 80%');
    const cells = await page.$$eval('#numbers td', (tds) => tds.map((t) => t.textContent ?? ''));
    expect(cells.every((c) => c !== '–' && c !== 'n/a')).toBe(true);
    expect(await page.textContent('#acc-pruned')).toMatch(/^\d+\.\d\d%$/);
    expect(await page.textContent('#lat-webgl-pruned')).toMatch(/^\d+\.\d\d ms$/);
    expect(await page.$$('#gallery .card')).toHaveLength(12);
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { prunekitDemo: { backend(): string } }).prunekitDemo.backend(),
      ),
    ).toBe('webgl');

    // The numbers behind the table: 80% of the prunable weights gone, same parameter count.
    const pruned = await page.evaluate(
      () => (globalThis as unknown as { prunekitDemo: { last: PageMeasured } }).prunekitDemo.last,
    );
    expect(pruned.params).toBe(dense.params);
    expect(pruned.nonzero).toBeLessThan(0.3 * dense.nonzero);
    expect(pruned.accuracy).toBeGreaterThan(0.5);
    expect(pruned.gallery).toHaveLength(12);
    expect(errors).toEqual([]);

    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'web-demo.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });
});
