/**
 * The whole loop in Chromium, through the page's controls: load the sign model, prune 50% of the
 * channels, fine-tune with distillation in the page's worker (a click is handled within 200 ms
 * meanwhile), export; then this test reloads the downloaded files with stock tf.loadLayersModel
 * (Node, cpu backend) and checks the predictions. Once with webgl training, once with wasm +
 * prunekit's kernels. Screenshots of each stage land in test-artifacts/ (screenshots/ with
 * PRUNEKIT_SCREENSHOTS=1, which is how the README's were made).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDataset } from '@prunekit/example-perception-traffic-signs/generator';
import { toTensors } from '@prunekit/example-perception-traffic-signs/data';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndServe, type Served, serveFolder } from './serve.js';

const CHROMIUM = process.env.PRUNEKIT_CHROMIUM ?? '/usr/bin/chromium';
// The flags packages/backend-webgl/test/browser/harness.ts measured for WebGL2 (and a WebGPU
// adapter) on CPU-only Linux.
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
  '--enable-unsafe-webgpu',
];
const here = fileURLToPath(new URL('..', import.meta.url));
const shots = join(here, process.env.PRUNEKIT_SCREENSHOTS === '1' ? 'screenshots' : 'test-artifacts');
/**
 * What each case asks the page for. The full loop (the page's defaults: 3072 fine-tuning signs,
 * 2 epochs, 1024 test signs) runs on wasm + prunekit's kernels. Training on WebGL in headless
 * Chromium runs on a software GPU (SwiftShader), ~10x slower per step here, so by default the webgl
 * case fine-tunes briefly and checks everything but the accuracy criterion;
 * PRUNEKIT_WEB_DEMO_WEBGL=full runs it with the full loop and the criterion too.
 */
interface Case {
  readonly backend: 'webgl' | 'wasm';
  readonly train: number;
  readonly test: number;
  readonly epochs: number;
  /** Assert fine-tuned accuracy within 1 point of dense (only meaningful with the full budget). */
  readonly criterion: boolean;
}
const FULL = { train: 3072, test: 1024, epochs: 2, criterion: true };
const CASES: Case[] = [
  { backend: 'wasm', ...FULL },
  process.env.PRUNEKIT_WEB_DEMO_WEBGL === 'full'
    ? { backend: 'webgl', ...FULL }
    : { backend: 'webgl', train: 64, test: 128, epochs: 1, criterion: false },
];

interface PageRun {
  name: string;
  params: number;
  macs: number;
  accuracy: number;
  fileBytes: number;
  latencyMs: Record<string, number>;
  layers: { name: string; channels?: number }[];
}
interface PageStage {
  run: PageRun;
  predictions: number[];
  probe: number[];
  backend: string;
}
interface BackendState {
  available: boolean;
  note: string;
  prunekitKernels?: string[];
}
interface PageState {
  setup?: {
    task: { testSeed: number; testSize: number; probeCount: number };
    backendState: BackendState;
  };
  backends: Record<string, BackendState>;
  stages: Record<'dense' | 'pruned' | 'tuned', PageStage>;
  history: { epoch: number; loss: number; acc: number; valMetric: number }[];
  exported?: { indexedDbUrl: string; reloadAgreement: { same: number; total: number } };
  clicks: { inputDelayMs: number; toFrameMs: number; during: string }[];
  longTasksMs: number[];
  error?: string;
}

const readState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { prunekitDemo: PageState }).prunekitDemo);

async function waitStatus(page: Page, wanted: string, timeout: number): Promise<void> {
  await page.waitForFunction((w) => [w, 'error'].includes(document.body.dataset.status ?? ''), wanted, {
    timeout,
    polling: 100,
  });
  const s = await readState(page);
  expect(s.error, 'the page reported an error').toBeUndefined();
  expect(await page.evaluate(() => document.body.dataset.status)).toBe(wanted);
}

describe('the whole loop in Chromium', () => {
  let browser: Browser | undefined;
  let served: Served | undefined;
  const tmp = mkdtempSync(join(tmpdir(), 'prunekit-web-demo-dl-'));

  beforeAll(async () => {
    // A missing Chromium fails this test (never a skip): `pnpm test` installs it from .ci/apt-packages.
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set PRUNEKIT_CHROMIUM.`,
      );
    }
    served = await buildAndServe();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
    mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    served?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const { backend, train, test: TEST, epochs, criterion } of CASES) {
    const title = criterion ? 'within 1 point of dense' : `short fine-tune (${train} signs, ${epochs} epoch)`;
    it(`signs, 50% channels, fine-tuned on ${backend}: ${title}; export reloads with stock tfjs`, async () => {
      const page = await (browser as Browser).newPage({
        viewport: { width: 1280, height: 800 },
        acceptDownloads: true,
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const shot = (name: string) =>
        page.screenshot({ path: join(shots, `${backend}-${name}.png`), fullPage: true });
      await page.goto(
        `${served?.url}?backend=${backend}&train=${train}&test=${TEST}&runs=5&bench=webgl,wasm,webgpu`,
      );

      // 1 · load: the dense model measured on the chosen backend.
      await page.check('input[name="model"][value="signs"]');
      await page.click('#load');
      await waitStatus(page, 'ready', 60_000);
      let s = await readState(page);
      expect(s.stages.dense.backend).toBe(backend);
      if (backend === 'wasm') {
        // Stock tfjs-wasm has no Conv2DBackpropFilter: training a CNN on wasm needs prunekit's.
        expect(s.setup?.backendState.prunekitKernels).toContain('Conv2DBackpropFilter');
      }
      // Latency is timed on every backend that starts here (webgpu only where Chromium has an adapter).
      expect(s.backends.webgl?.available && s.backends.wasm?.available).toBe(true);
      for (const b of Object.keys(s.backends).filter((k) => s.backends[k].available)) {
        expect(s.stages.dense.run.latencyMs[b]).toBeGreaterThan(0);
      }
      const dense = s.stages.dense.run;
      expect(dense.accuracy).toBeGreaterThan(0.97);
      await shot('1-loaded');

      // 2 · prune 50% of the channels (surgery).
      await page.selectOption('#method', 'channels');
      await page.fill('#level', '0.5');
      await page.click('#prune');
      await waitStatus(page, 'pruned', 60_000);
      s = await readState(page);
      const pruned = s.stages.pruned.run;
      expect(pruned.params).toBeLessThan(0.5 * dense.params);
      expect(pruned.macs).toBeLessThan(0.6 * dense.macs);
      expect(await page.locator('#layers-chart').isVisible()).toBe(true);
      await shot('2-pruned');

      // 3 · fine-tune; meanwhile a click on the chart toggles is handled and painted within 200 ms.
      await page.fill('#epochs', String(epochs));
      await page.click('#tune');
      await page.waitForFunction(
        () => Number((document.getElementById('tune-progress') as HTMLProgressElement).value) > 0.2,
        null,
        {
          timeout: 60_000,
          polling: 50,
        },
      );
      // A real mouse click at the button (no actionability waits): the page records the delay from
      // the input event to its handler, and from the event to the next frame.
      const box = await page.locator('.toggle[data-show="loss"]').boundingBox();
      if (!box) throw new Error('the chart toggle is not on screen');
      const t0 = Date.now();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(
        () => (globalThis as unknown as { prunekitDemo: PageState }).prunekitDemo.clicks.length > 0,
        null,
        { timeout: 5000, polling: 20 },
      );
      const roundTrip = Date.now() - t0;
      s = await readState(page);
      expect(s.clicks[0].during).toBe('tuning');
      expect(s.clicks[0].inputDelayMs).toBeLessThan(200);
      expect(await page.getAttribute('.toggle[data-show="loss"]', 'aria-pressed')).toBe('true');
      // On wasm the next frame follows within 200 ms too. WebGL training here runs on a software GPU
      // in Chromium's GPU process, which also draws the page's frames, so frames wait for its batches.
      if (backend === 'wasm') expect(s.clicks[0].toFrameMs).toBeLessThan(200);
      console.log(
        `${backend}: click handled after ${s.clicks[0].inputDelayMs.toFixed(1)} ms, next frame after ${s.clicks[0].toFrameMs.toFixed(1)} ms, test-side round trip ${roundTrip} ms`,
      );
      await shot('3-fine-tuning');
      await page.click('.toggle[data-show="both"]');
      await waitStatus(page, 'tuned', 240_000);
      s = await readState(page);
      const tuned = s.stages.tuned;
      expect(tuned.backend).toBe(backend);
      expect(s.history.length).toBeGreaterThan(0);
      // The acceptance criterion: fine-tuned accuracy within 1 point of the dense model's.
      if (criterion) expect(tuned.run.accuracy).toBeGreaterThanOrEqual(dense.accuracy - 0.01);
      else expect(tuned.run.accuracy).toBeGreaterThan(pruned.accuracy);
      expect(tuned.run.params).toBe(pruned.params);
      await shot('4-fine-tuned');

      // 4 · export: IndexedDB copy checked in the page, files downloaded here.
      await page.click('#export');
      await waitStatus(page, 'exported', 60_000);
      s = await readState(page);
      expect(s.exported?.reloadAgreement.same).toBe(s.exported?.reloadAgreement.total);
      const dir = join(tmp, backend);
      mkdirSync(dir, { recursive: true });
      const links = await page.$$eval('#downloads a', (as) =>
        as.map((a) => a.getAttribute('data-file') ?? ''),
      );
      expect(links).toContain('model.json');
      for (const file of links) {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.click(`#downloads a[data-file="${file}"]`),
        ]);
        expect(download.suggestedFilename()).toBe(file);
        await download.saveAs(join(dir, file));
      }
      expect(readdirSync(dir).sort()).toEqual([...links].sort());
      const saved = links.reduce((a, f) => a + statSync(join(dir, f)).size, 0);
      expect(saved).toBe(tuned.run.fileBytes);
      await shot('5-exported');
      if (backend === 'wasm') {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: join(shots, 'narrow-exported.png'), fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      }
      expect(errors).toEqual([]);
      await page.close();

      // 5 · run: stock tf.loadLayersModel over http, cpu backend, the same test signs.
      await tf.setBackend('cpu');
      const before = tf.memory().numTensors;
      const files = await serveFolder(dir);
      try {
        const model = await tfl.loadLayersModel(`${files.url}model.json`);
        const data = generateDataset(TEST, s.setup?.task.testSeed ?? -1);
        const { x, y } = toTensors(data);
        const labels = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1));
        const got = Array.from(await labels.data());
        const probeCount = s.setup?.task.probeCount ?? 0;
        const probe = tf.tidy(() => model.predict(tf.slice(x, 0, probeCount)) as tf.Tensor);
        const probeValues = await probe.data();
        let maxDiff = 0;
        for (let i = 0; i < probeValues.length; i++)
          maxDiff = Math.max(maxDiff, Math.abs(probeValues[i] - tuned.probe[i]));
        expect(probeValues.length).toBe(tuned.probe.length);
        expect(maxDiff).toBeLessThan(1e-3);
        let same = 0;
        for (let i = 0; i < got.length; i++) if (got[i] === tuned.predictions[i]) same++;
        expect(same).toBe(TEST);
        tf.dispose([x, y, labels, probe]);
        model.dispose();
      } finally {
        files.close();
      }
      expect(tf.memory().numTensors).toBe(before);
    }, 300_000);
  }
});
