/**
 * The demo page in Chromium (Debian's), driven through its controls; one browser for the file, one
 * page per case, several stages per page.
 *
 * - wasm + prunekit's kernels, sign model: 50% channels, fine-tuned to within 1 point of dense (the
 *   acceptance criterion), a click handled within 200 ms meanwhile, the side-by-side table and
 *   charts, the IndexedDB copy, the export reloaded here with stock tf.loadLayersModel (same
 *   predictions); then N:M 2:4 on the same page; screenshots and the narrow window.
 * - webgl: the same loop with a short fine-tune (better than pruned is asserted); the full
 *   criterion on webgl with PRUNEKIT_WEB_DEMO_WEBGL=full (minutes on a software GPU).
 * - webgpu (Chromium's SwiftShader adapter): the same short loop, trained on webgpu (asserted).
 * - lane segmenter, 50% channels, wasm: prune, fine-tune, export.
 * - a model.json dropped on the page, unstructured 70%, in a Chromium with no WebGPU adapter: the
 *   page says WebGPU is not available and everything else runs; export reloads here; then a
 *   deadline budget (50% of the dense latency) on the same page.
 * Screenshots land in test-artifacts/ (screenshots/ with PRUNEKIT_SCREENSHOTS=1: the README's).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toTensors } from '@prunekit/example-perception-traffic-signs/data';
import { generateDataset } from '@prunekit/example-perception-traffic-signs/generator';
import { CHROMIUM_ARGS, requireChromium } from '@prunekit/test-utils';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickDuringTuning,
  exportModel,
  frameAfterClick,
  fineTune,
  indexedDbInfo,
  load,
  type PageStage,
  type PageState,
  prune,
  readState,
  shownTable,
} from './demo_page.js';
import { buildAndServe, type Served, serveFolder } from './serve.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const shots = join(here, process.env.PRUNEKIT_SCREENSHOTS === '1' ? 'screenshots' : 'test-artifacts');
const WEBGL_FULL = process.env.PRUNEKIT_WEB_DEMO_WEBGL === 'full';
/** Chromium without --enable-unsafe-webgpu: navigator.gpu exists, requestAdapter() gives null. */
const NO_WEBGPU_ARGS = CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu');

/** Loads the downloaded export with stock tf.loadLayersModel over http (Node, wasm) and predicts. */
async function reloadAndCompare(dir: string, inputs: () => tf.Tensor, stage: PageStage, probeCount: number) {
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
  const before = tf.memory().numTensors;
  const files = await serveFolder(dir);
  const x = inputs();
  try {
    const model = await tfl.loadLayersModel(`${files.url}model.json`);
    const labels = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1));
    const got = Array.from(await labels.data());
    const probe = tf.tidy(() => model.predict(tf.slice(x, 0, probeCount)) as tf.Tensor);
    const values = await probe.data();
    expect(values.length).toBe(stage.probe.length);
    let maxDiff = 0;
    for (let i = 0; i < values.length; i++) maxDiff = Math.max(maxDiff, Math.abs(values[i] - stage.probe[i]));
    expect(maxDiff).toBeLessThan(1e-3);
    let same = 0;
    for (let i = 0; i < got.length; i++) if (got[i] === stage.predictions[i]) same++;
    expect(same).toBe(stage.predictions.length);
    tf.dispose([labels, probe]);
    model.dispose();
  } finally {
    x.dispose();
    files.close();
  }
  expect(tf.memory().numTensors).toBe(before);
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
function logStages(what: string, s: PageState): void {
  const f = (k: 'dense' | 'pruned' | 'tuned') => (s.stages[k] ? pct(s.stages[k].run.accuracy) : '—');
  const ms = Object.entries(s.timings)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
    .join(', ');
  console.log(
    `${what}: ${s.setup?.task.metric} dense ${f('dense')}, pruned ${f('pruned')}, fine-tuned ${f('tuned')}; params ` +
      `${s.stages.dense.run.params} → ${s.stages.pruned?.run.params} (nonzero ${s.stages.pruned?.run.nonzero}); page steps: ${ms}`,
  );
}

/** Every test sign the page scored, regenerated here from the page's seed. */
function testSigns(s: PageState): tf.Tensor {
  const data = generateDataset(s.setup?.task.testSize ?? 0, s.setup?.task.testSeed ?? -1);
  const { x, y } = toTensors(data);
  y.dispose();
  return x;
}

describe('the web demo in Chromium', () => {
  let browser: Browser | undefined;
  let served: Served | undefined;
  const tmp = mkdtempSync(join(tmpdir(), 'prunekit-web-demo-dl-'));

  beforeAll(async () => {
    // A missing Chromium fails this test (never a skip): `pnpm test` installs it from .ci/apt-packages.
    const executablePath = requireChromium();
    served = await buildAndServe();
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], timeout: 30_000 });
    mkdirSync(shots, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    served?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function open(
    query: string,
    b: Browser = browser as Browser,
  ): Promise<{ page: Page; errors: string[] }> {
    const page = await b.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served?.url}?${query}`);
    return { page, errors };
  }

  it('wasm + prunekit kernels: signs, 50% channels, fine-tuned within 1 point of dense; table, charts, IndexedDB; export reloads with stock tfjs; then N:M 2:4', async () => {
    const { page, errors } = await open('backend=wasm&train=3072&test=1024&runs=5&bench=webgl,wasm,webgpu');
    const shot = (name: string) => page.screenshot({ path: join(shots, `wasm-${name}.png`), fullPage: true });

    // 1 · load: the dense model measured on wasm, latency on every backend that starts.
    let s = await load(page, 'signs');
    expect(s.stages.dense.backend).toBe('wasm');
    // Stock tfjs-wasm has no Conv2DBackpropFilter: training a CNN on wasm needs prunekit's.
    expect(s.setup?.backendState.prunekitKernels).toContain('Conv2DBackpropFilter');
    expect(s.backends.webgl?.available && s.backends.wasm?.available).toBe(true);
    // This Chromium has a WebGPU adapter (SwiftShader, --enable-unsafe-webgpu): timed, and selectable.
    expect(s.webgpu?.available).toBe(true);
    expect(s.backends.webgpu?.available).toBe(true);
    expect(await page.locator('#backend option[value="webgpu"]').isDisabled()).toBe(false);
    for (const b of ['webgl', 'wasm', 'webgpu']) expect(s.stages.dense.run.latencyMs[b]).toBeGreaterThan(0);
    const dense = s.stages.dense.run;
    expect(dense.accuracy).toBeGreaterThan(0.97);
    await shot('1-loaded');

    // 2 · prune 50% of the channels (surgery); the per-layer chart shows channels per layer.
    s = await prune(page, 'channels', 0.5);
    const pruned = s.stages.pruned.run;
    expect(pruned.params).toBeLessThan(0.5 * dense.params);
    expect(pruned.macs).toBeLessThan(0.6 * dense.macs);
    expect(await page.locator('#layers-chart').isVisible()).toBe(true);
    expect(s.charts['layers-chart'].title).toMatch(/channel/i);
    expect(s.charts['layers-chart'].labels.length).toBeGreaterThan(2);
    expect(s.charts['layers-chart'].series.map((x) => x.points)).toEqual(
      s.charts['layers-chart'].series.map(() => s.charts['layers-chart'].labels.length),
    );
    await shot('2-pruned');

    // 3 · fine-tune; meanwhile a real mouse click on a chart toggle is handled and painted within 200 ms.
    s = await fineTune(page, { epochs: 2, lr: 0.003, batch: 32 }, async () => {
      const c = await clickDuringTuning(page, 'loss', 0.2);
      // The criterion is the handler (asserted in clickDuringTuning). The next frame is
      // reported; under heavy load on 2 shared cores it took 330 ms once, so only a frozen page
      // (seconds) fails here.
      const frame = await frameAfterClick(page, 0, 5000);
      expect(frame).toBeLessThan(1000);
      console.log(
        `wasm: click handled after ${c.inputDelayMs.toFixed(1)} ms, next frame after ${frame.toFixed(1)} ms`,
      );
      await shot('3-fine-tuning');
      await page.click('.toggle[data-show="both"]');
    });
    const tuned = s.stages.tuned;
    expect(tuned.backend).toBe('wasm');
    expect(s.history.length).toBe(2);
    // The acceptance criterion: fine-tuned accuracy within 1 point of the dense model's.
    expect(tuned.run.accuracy).toBeGreaterThanOrEqual(dense.accuracy - 0.01);
    expect(tuned.run.params).toBe(pruned.params);
    await shot('4-fine-tuned');

    // The side-by-side table: one row per stage; params, MACs, bytes, metric, latency per backend.
    const table = await shownTable(page);
    for (const h of [
      'params',
      'MACs',
      'bytes',
      'file',
      'accuracy',
      'latency webgl',
      'latency wasm',
      'latency webgpu',
    ])
      expect(table.head).toContain(h);
    expect(table.rows.map((r) => r[0])).toEqual([dense.name, pruned.name, tuned.run.name]);
    const col = (h: string) => table.head.indexOf(h);
    expect(table.rows[2][col('accuracy')]).toContain((tuned.run.accuracy * 100).toFixed(1));
    for (const r of table.rows)
      for (const b of ['webgl', 'wasm', 'webgpu']) expect(r[col(`latency ${b}`)]).toMatch(/ms/);
    expect(s.charts['latency-chart'].series.length).toBe(3);

    // 4 · export: IndexedDB (read here from tfjs's store), files downloaded.
    const dir = join(tmp, 'wasm');
    ({ state: s } = await exportModel(page, dir));
    expect(s.exported?.indexedDbUrl).toBe('indexeddb://prunekit-signs-tuned');
    const idb = await indexedDbInfo(page, s.exported?.indexedDbUrl ?? '');
    expect(idb?.modelTopologyType).toBe('JSON');
    expect(idb?.weightDataBytes).toBe(tuned.run.bytes);
    await shot('5-exported');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, 'narrow-exported.png'), fullPage: true });
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
    logStages('wasm signs channels 50%', s);

    // 5 · N:M 2:4 on the same page: half of the prunable weights zeroed, timed with the sparse kernels too.
    s = await prune(page, 'nm', '2:4');
    const nm = s.stages.pruned.run;
    expect(nm.name).toContain('2:4');
    expect(nm.params).toBe(dense.params);
    expect(nm.nonzero).toBeLessThan(0.6 * dense.params);
    expect(nm.nonzero).toBeGreaterThan(0.45 * dense.params);
    expect(nm.latencyMs['wasm sparse kernels']).toBeGreaterThan(0);
    expect(s.charts['layers-chart'].title).toMatch(/sparsity/i);
    expect(errors).toEqual([]);
    await page.close();

    // 6 · run: the downloaded fine-tuned export, stock tfjs, the same test signs.
    await reloadAndCompare(dir, () => testSigns(s), tuned, s.setup?.task.probeCount ?? 0);
  }, 480_000);

  const webglCase = WEBGL_FULL
    ? { train: 3072, test: 1024, epochs: 2, title: 'fine-tuned within 1 point of dense' }
    : { train: 64, test: 128, epochs: 1, title: 'a short fine-tune (64 signs) beats pruned' };
  it(
    `webgl: signs, 50% channels, ${webglCase.title}; export reloads with stock tfjs`,
    async () => {
      const { page, errors } = await open(
        `backend=webgl&train=${webglCase.train}&test=${webglCase.test}&runs=3&bench=webgl`,
      );
      const shot = (name: string) =>
        page.screenshot({ path: join(shots, `webgl-${name}.png`), fullPage: true });
      let s = await load(page, 'signs');
      expect(s.stages.dense.backend).toBe('webgl');
      expect(s.setup?.backendState.available).toBe(true);
      const dense = s.stages.dense.run;
      s = await prune(page, 'channels', 0.5);
      const pruned = s.stages.pruned.run;
      expect(pruned.params).toBeLessThan(0.5 * dense.params);
      s = await fineTune(page, { epochs: webglCase.epochs, lr: 0.003, batch: 32 }, async () => {
        const c = await clickDuringTuning(page, 'acc', 0);
        // WebGL training here runs on a software GPU in Chromium's GPU process, which also paints the
        // page: the handler runs at once, the next frame may wait for a batch (not asserted).
        console.log(`webgl: click handled after ${c.inputDelayMs.toFixed(1)} ms`);
        await shot('3-fine-tuning');
      });
      const tuned = s.stages.tuned;
      expect(tuned.backend).toBe('webgl');
      if (WEBGL_FULL) expect(tuned.run.accuracy).toBeGreaterThanOrEqual(dense.accuracy - 0.01);
      else expect(tuned.run.accuracy).toBeGreaterThan(pruned.accuracy);
      const dir = join(tmp, 'webgl');
      ({ state: s } = await exportModel(page, dir));
      await shot('5-exported');
      logStages(`webgl signs channels 50% (${webglCase.train} signs × ${webglCase.epochs})`, s);
      expect(errors).toEqual([]);
      await page.close();
      await reloadAndCompare(dir, () => testSigns(s), tuned, s.setup?.task.probeCount ?? 0);
    },
    WEBGL_FULL ? 1_200_000 : 480_000,
  );

  it('webgpu (SwiftShader adapter): signs, 50% channels, a short fine-tune (64 signs) on webgpu beats pruned; export reloads with stock tfjs', async () => {
    // The training backend is what this case is about. Every WebGPU call runs on SwiftShader here
    // (seconds per batch), so the sets are small and latency is timed on wasm only (the wasm case
    // times all three backends).
    const { page, errors } = await open('backend=webgpu&train=64&test=64&runs=3&bench=wasm');
    let s = await load(page, 'signs');
    // The worker runs on webgpu itself (core's activate throws rather than fall back), and says so.
    expect(s.setup?.backendState).toEqual({ available: true, note: 'WebGPU adapter' });
    expect(s.stages.dense.backend).toBe('webgpu');
    const dense = s.stages.dense.run;
    expect(dense.accuracy).toBeGreaterThan(0.97);
    s = await prune(page, 'channels', 0.5);
    expect(s.stages.pruned.backend).toBe('webgpu');
    const pruned = s.stages.pruned.run;
    expect(pruned.params).toBeLessThan(0.5 * dense.params);
    s = await fineTune(page, { epochs: 1, lr: 0.003, batch: 32 });
    const tuned = s.stages.tuned;
    expect(tuned.backend).toBe('webgpu');
    expect(s.history.length).toBe(1);
    expect(Number.isFinite(s.history[0].loss)).toBe(true);
    expect(tuned.run.accuracy).toBeGreaterThan(pruned.accuracy);
    const dir = join(tmp, 'webgpu');
    ({ state: s } = await exportModel(page, dir));
    await page.screenshot({ path: join(shots, 'webgpu-exported.png'), fullPage: true });
    logStages('webgpu signs channels 50% (64 signs × 1)', s);
    expect(errors).toEqual([]);
    await page.close();
    await reloadAndCompare(dir, () => testSigns(s), tuned, s.setup?.task.probeCount ?? 0);
  }, 480_000);

  it('lane segmenter, 50% channels on wasm: prune, fine-tune (256 scenes × 4 epochs), export', async () => {
    const { page, errors } = await open('backend=wasm&train=1024&test=256&runs=5&bench=wasm');
    let s = await load(page, 'lanes');
    expect(s.setup?.task.metric).toBe('mIoU');
    const dense = s.stages.dense.run;
    expect(dense.accuracy).toBeGreaterThan(0.85);
    s = await prune(page, 'channels', 0.5);
    const pruned = s.stages.pruned.run;
    expect(pruned.params).toBeLessThan(0.6 * dense.params);
    s = await fineTune(page, { epochs: 4, lr: 0.003, batch: 32 });
    const tuned = s.stages.tuned.run;
    expect(tuned.accuracy).toBeGreaterThan(pruned.accuracy + 0.05);
    const dir = join(tmp, 'lanes');
    ({ state: s } = await exportModel(page, dir));
    await page.screenshot({ path: join(shots, 'lanes-exported.png'), fullPage: true });
    logStages('lanes channels 50%', s);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('a model.json dropped on the page, unstructured 70%, in a Chromium without a WebGPU adapter: "not available", the rest runs; export reloads', async () => {
    const noGpu = await chromium.launch({ executablePath: requireChromium(), args: NO_WEBGPU_ARGS });
    try {
      const { page, errors } = await open('backend=wasm&train=512&test=256&runs=5&bench=wasm,webgpu', noGpu);
      // WebGPU: greyed out in the picker with the reason, and reported unavailable by its bench worker.
      await page.waitForFunction(
        () => (globalThis as unknown as { prunekitDemo: PageState }).prunekitDemo.webgpu,
      );
      let s = await readState(page);
      expect(s.webgpu).toEqual({ available: false, note: expect.stringContaining('no GPU adapter') });
      expect(await page.locator('#backend option[value="webgpu"]').isDisabled()).toBe(true);
      expect(await page.locator('#webgpu-note').textContent()).toMatch(/not available/);

      // Drag and drop: the sign model's model.json + shard, as a person would drop them.
      const modelDir = join(here, '../perception-traffic-signs/model');
      const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
      const names = ['model.json', ...json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths)];
      const files = names.map((name) => ({
        name,
        b64: readFileSync(join(modelDir, name)).toString('base64'),
      }));
      const dt = await page.evaluateHandle((fs) => {
        const d = new DataTransfer();
        for (const f of fs)
          d.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
        return d;
      }, files);
      await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
      expect(await page.locator('input[name="model"][value="dropped"]').isChecked()).toBe(true);
      s = await load(page, 'dropped');
      expect(s.setup?.task.metric).toBe('agreement with dense');
      expect(s.stages.dense.run.accuracy).toBe(1);
      expect(s.backends.webgpu).toEqual({ available: false, note: expect.stringContaining('not available') });
      expect(Object.keys(s.stages.dense.run.latencyMs)).toEqual(['wasm']);
      expect(await page.locator('#compare-note').textContent()).toContain('webgpu — not available here');
      expect(await page.locator('#backend-notes').textContent()).toContain('webgpu: unavailable');

      s = await prune(page, 'unstructured', 0.7);
      const pruned = s.stages.pruned.run;
      expect(pruned.nonzero / pruned.params).toBeLessThan(0.35);
      s = await fineTune(page, { epochs: 1, lr: 0.003, batch: 32 });
      const tuned = s.stages.tuned;
      // Masks kept through fine-tuning: the zeros are still zeros.
      expect(tuned.run.nonzero).toBeLessThanOrEqual(pruned.nonzero);
      expect(tuned.run.accuracy).toBeGreaterThanOrEqual(pruned.accuracy);
      const dir = join(tmp, 'dropped');
      ({ state: s } = await exportModel(page, dir));
      await page.screenshot({ path: join(shots, 'dropped-no-webgpu.png'), fullPage: true });
      logStages('dropped sign model, unstructured 70%', s);

      // Deadline budget, 50% of the dense latency on wasm: channels chosen by measured latency.
      s = await prune(page, 'deadline', 0.5);
      const d = s.stages.pruned.deadline;
      expect(d?.budgetMs).toBeCloseTo(0.5 * (d?.denseMs ?? 0), 6);
      // met is what the page measured on the built model, not assumed.
      expect(d?.met).toBe((d?.measuredMs ?? Number.POSITIVE_INFINITY) <= (d?.budgetMs ?? 0));
      expect(await page.locator('#deadline-note').textContent()).toContain(d?.met ? '— met' : '— missed');
      expect(s.stages.pruned.run.params).toBeLessThan(s.stages.dense.run.params);
      expect(s.charts['layers-chart'].title).toMatch(/channel/i);
      console.log(
        `deadline: dense ${d?.denseMs.toFixed(2)} ms, budget ${d?.budgetMs.toFixed(2)} ms, measured ${d?.measuredMs.toFixed(2)} ms ` +
          `(${d?.rounds} rounds, met ${d?.met}); params ${s.stages.dense.run.params} → ${s.stages.pruned.run.params}, ` +
          `agreement ${pct(s.stages.pruned.run.accuracy)}; pruning ${(s.timings.pruning / 1000).toFixed(1)} s`,
      );
      await page.screenshot({ path: join(shots, 'deadline-pruned.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
      // The page's test inputs are seeded uniform noise (tfjs's own seeded generator, backend-independent).
      const task = s.setup?.task;
      const shape = task?.inputShape ?? [];
      const noise = () => tf.randomUniform([task?.testSize ?? 0, ...shape], 0, 1, 'float32', task?.testSeed);
      await reloadAndCompare(dir, noise, tuned, task?.probeCount ?? 0);
    } finally {
      await noGpu.close();
    }
  }, 300_000);

  it('README: every linked file exists', () => {
    const readme = readFileSync(join(here, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(8);
    for (const l of links) expect(existsSync(join(here, l)), l).toBe(true);
    for (const shot of [
      'wasm-5-exported.png',
      'webgl-5-exported.png',
      'webgpu-exported.png',
      'lanes-exported.png',
      'dropped-no-webgpu.png',
      'deadline-pruned.png',
      'narrow-exported.png',
    ])
      expect(links).toContain(`screenshots/${shot}`);
  });
});
