/**
 * Driving the demo page from a Playwright test: the page's state as the test reads it, and one
 * helper per stage (load, prune, fine-tune, export) that waits for the page to finish and fails on
 * a page error.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface PageRun {
  name: string;
  params: number;
  nonzero: number;
  macs: number;
  bytes: number;
  accuracy: number;
  fileBytes: number;
  latencyMs: Record<string, number>;
}
export interface PageStage {
  run: PageRun;
  predictions: number[];
  probe: number[];
  backend: string;
  deadline?: { budgetMs: number; measuredMs: number; denseMs: number; met: boolean; rounds: number };
}
export interface BackendState {
  available: boolean;
  note: string;
  prunekitKernels?: string[];
}
export interface PageState {
  setup?: {
    task: {
      model: string;
      metric: string;
      inputShape: number[];
      testSeed: number;
      testSize: number;
      probeCount: number;
    };
    backendState: BackendState;
  };
  backends: Record<string, BackendState>;
  stages: Record<'dense' | 'pruned' | 'tuned', PageStage>;
  history: { epoch: number; loss: number; acc: number; valMetric: number }[];
  exported?: { indexedDbUrl: string; reloadAgreement: { same: number; total: number } };
  clicks: { inputDelayMs: number; toFrameMs: number; during: string }[];
  charts: Record<string, { title: string; labels: string[]; series: { label: string; points: number }[] }>;
  timings: Record<string, number>;
  webgpu?: { available: boolean; note: string };
  error?: string;
}

export const readState = (page: Page): Promise<PageState> =>
  page.evaluate(() => (globalThis as unknown as { prunekitDemo: PageState }).prunekitDemo);

/** Waits until the page's status is `wanted` (or 'error', which fails with the page's message). */
export async function waitStatus(page: Page, wanted: string, timeout: number): Promise<PageState> {
  await page.waitForFunction((w) => [w, 'error'].includes(document.body.dataset.status ?? ''), wanted, {
    timeout,
    polling: 100,
  });
  const s = await readState(page);
  expect(s.error, 'the page reported an error').toBeUndefined();
  expect(await page.evaluate(() => document.body.dataset.status)).toBe(wanted);
  return s;
}

export async function load(page: Page, model: 'signs' | 'lanes' | 'dropped'): Promise<PageState> {
  await page.check(`input[name="model"][value="${model}"]`);
  await page.click('#load');
  return waitStatus(page, 'ready', 240_000);
}

export async function prune(
  page: Page,
  method: 'channels' | 'unstructured' | 'nm' | 'deadline',
  level: number | string,
): Promise<PageState> {
  await page.selectOption('#method', method);
  if (method === 'nm') await page.selectOption('#nm', String(level));
  else await page.fill('#level', String(level));
  await page.click('#prune');
  return waitStatus(page, 'pruned', 240_000);
}

export async function fineTune(
  page: Page,
  opts: { epochs: number; lr?: number; batch?: number },
  during?: () => Promise<void>,
): Promise<PageState> {
  await page.fill('#epochs', String(opts.epochs));
  if (opts.lr !== undefined) await page.fill('#lr', String(opts.lr));
  if (opts.batch !== undefined) await page.fill('#batch', String(opts.batch));
  await page.click('#tune');
  await during?.();
  return waitStatus(page, 'tuned', 600_000);
}

/**
 * Once fine-tuning is past `progress` (0..1), a real mouse click on a chart toggle (no actionability
 * waits): the page records the delay from the input event to its handler, and to the next frame.
 * Asserts the handler ran within 200 ms, during fine-tuning, and the toggle changed.
 */
export async function clickDuringTuning(
  page: Page,
  toggle: 'loss' | 'acc' | 'both',
  progress: number,
): Promise<PageState['clicks'][number]> {
  await page.waitForFunction(
    (p) => Number((document.getElementById('tune-progress') as HTMLProgressElement).value) > p,
    progress,
    { timeout: 120_000, polling: 50 },
  );
  const clicks = (await readState(page)).clicks.length;
  const box = await page.locator(`.toggle[data-show="${toggle}"]`).boundingBox();
  if (!box) throw new Error(`the chart toggle '${toggle}' is not on screen`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(
    (n) => (globalThis as unknown as { prunekitDemo: PageState }).prunekitDemo.clicks.length > n,
    clicks,
    { timeout: 5000, polling: 20 },
  );
  const c = (await readState(page)).clicks[clicks];
  expect(c.during).toBe('tuning');
  expect(c.inputDelayMs).toBeLessThan(200);
  expect(await page.getAttribute(`.toggle[data-show="${toggle}"]`, 'aria-pressed')).toBe('true');
  return c;
}

/** Ms from the click's event to the next frame, waiting up to `timeout` for that frame. */
export async function frameAfterClick(page: Page, index: number, timeout: number): Promise<number> {
  await page.waitForFunction(
    (i) =>
      Number.isFinite(
        (globalThis as unknown as { prunekitDemo: PageState }).prunekitDemo.clicks[i]?.toFrameMs,
      ),
    index,
    { timeout, polling: 20 },
  );
  return (await readState(page)).clicks[index].toFrameMs;
}

/** Exports, checks the IndexedDB copy from the page, downloads every file into `dir`. */
export async function exportModel(page: Page, dir: string): Promise<{ state: PageState; files: string[] }> {
  await page.click('#export');
  const s = await waitStatus(page, 'exported', 120_000);
  expect(s.exported?.reloadAgreement.same).toBe(s.exported?.reloadAgreement.total);
  mkdirSync(dir, { recursive: true });
  const files = await page.$$eval('#downloads a', (as) => as.map((a) => a.getAttribute('data-file') ?? ''));
  expect(files).toContain('model.json');
  for (const file of files) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`#downloads a[data-file="${file}"]`),
    ]);
    expect(download.suggestedFilename()).toBe(file);
    await download.saveAs(join(dir, file));
  }
  expect(readdirSync(dir).sort()).toEqual([...files].sort());
  const newest = s.stages.tuned ?? s.stages.pruned;
  expect(files.reduce((a, f) => a + statSync(join(dir, f)).size, 0)).toBe(newest.run.fileBytes);
  return { state: s, files };
}

/** What tfjs's IndexedDB store holds for `url`, read by the test in the page (not by the demo). */
export async function indexedDbInfo(
  page: Page,
  url: string,
): Promise<{ weightDataBytes: number; modelTopologyType: string } | undefined> {
  return page.evaluate(
    (path) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tensorflowjs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result
            .transaction('model_info_store', 'readonly')
            .objectStore('model_info_store')
            .get(path);
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            open.result.close();
            resolve(get.result?.modelArtifactsInfo);
          };
        };
      }),
    url.replace('indexeddb://', ''),
  );
}

/** The comparison table as shown: header cells and one row of cells per stage. */
export async function shownTable(page: Page): Promise<{ head: string[]; rows: string[][] }> {
  return page.evaluate(() => {
    const text = (els: NodeListOf<Element>) => [...els].map((e) => e.textContent ?? '');
    const table = document.getElementById('numbers') as HTMLTableElement;
    return {
      head: text(table.querySelectorAll('thead th')),
      rows: [...table.querySelectorAll('tbody tr')].map((tr) => text(tr.querySelectorAll('th, td'))),
    };
  });
}
