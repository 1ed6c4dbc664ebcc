import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, openPage } from './browser/harness.js';
import type { ConformanceRun } from './kernel_cases.js';
import type { ModelRun } from './model_case.js';

interface PageRun {
  asked: string;
  active: string;
  info?: { name: string };
  conformance?: ConformanceRun;
  error?: string;
}

// Real Chromium (Debian's, software GPU): the same conformance cases as in Node, in a page.
describe('sparse kernels in Chromium', () => {
  // A missing Chromium or a broken bundle fails every test here (never a silent skip).
  let browser: BrowserPage | undefined;
  let openError: unknown;
  beforeAll(async () => {
    browser = await openPage().catch((e: unknown) => {
      openError = e;
      return undefined;
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const run = (backend: string) => {
    if (!browser) throw openError;
    return browser.page.evaluate(
      (b) => (globalThis as unknown as { prunekit: { run(b: string): Promise<PageRun> } }).prunekit.run(b),
      backend,
    );
  };

  for (const backend of ['webgl', 'webgpu']) {
    it(`${backend}: backend really active, every case within 1e-4, no leaks`, async () => {
      const r = await run(backend);
      expect(r.error).toBeUndefined();
      expect(r.active).toBe(backend);
      expect(r.conformance?.backend).toBe(backend);
      expect(r.info?.name.length).toBeGreaterThan(3);
      expect(r.conformance?.results.filter((c) => !c.ok)).toEqual([]);
      expect(r.conformance?.passed).toBeGreaterThanOrEqual(20);
      expect(r.conformance?.leaked).toBe(0);
    });
  }

  it('a pruned sign-shaped CNN as a sparse model gives the cpu outputs within 1e-3 on webgl and webgpu', async () => {
    if (!browser) throw openError;
    const r = await browser.page.evaluate(() =>
      (
        globalThis as unknown as {
          prunekit: { model(b: string[]): Promise<{ runs: ModelRun[]; leaked: number; active: string }> };
        }
      ).prunekit.model(['webgl', 'webgpu']),
    );
    expect(r.runs.map((x) => x.backend)).toEqual(['webgl', 'webgpu']);
    for (const x of r.runs) {
      expect(x.error).toBeUndefined();
      expect(x.sparseLayers).toBe(5);
      expect(x.maxAbsDiff).toBeLessThan(1e-3);
    }
    expect(r.active).toBe('cpu');
    expect(r.leaked).toBe(0);
  });
});
