/** The page: wires the controls to demo.ts and exposes window.prunekitDemo for the browser test. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CLASS_NAMES } from '../../perception-traffic-signs/src/signs.js';
import { activate } from './backends.js';
import { type Measured, type Method, makeTestSet, measure, prune } from './demo.js';
import { loadSignModel } from './model_source.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const count = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n);
const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(2)} ms`);

function setStatus(status: string, text: string): void {
  document.body.dataset.status = status;
  $('status').textContent = text;
}

function show(which: 'dense' | 'pruned', m: Measured): void {
  $(`acc-${which}`).textContent = pct(m.accuracy);
  $(`nz-${which}`).textContent = `${count(m.nonzero)} / ${count(m.params)}`;
  $(`macs-${which}`).textContent = count(m.effectiveMacs);
  $(`lat-webgl-${which}`).textContent = ms(m.latencyMs.webgl);
  $(`lat-wasm-${which}`).textContent = ms(m.latencyMs.wasm);
}

function drawGallery(images: Uint8Array, labels: Int32Array, dense: number[], pruned?: number[]): void {
  const root = $('gallery');
  root.replaceChildren();
  for (let i = 0; i < labels.length; i++) {
    const card = document.createElement('div');
    card.className = 'card';
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 32;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const img = ctx.createImageData(32, 32);
    for (let p = 0; p < 32 * 32; p++) {
      img.data.set(images.subarray((i * 1024 + p) * 3, (i * 1024 + p) * 3 + 3), p * 4);
      img.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const line = (who: string, c: number) =>
      `<div class="${c === labels[i] ? 'ok' : 'bad'}">${who}: ${CLASS_NAMES[c]}</div>`;
    card.append(canvas);
    card.insertAdjacentHTML(
      'beforeend',
      `<div><b>${CLASS_NAMES[labels[i]]}</b></div>${line('dense', dense[i])}${pruned ? line('pruned', pruned[i]) : ''}`,
    );
    root.append(card);
  }
}

async function start(): Promise<void> {
  // ?test=N: test signs (default 320); ?runs=N: timed runs per backend (default 10). The browser test uses fewer.
  const query = new URLSearchParams(location.search);
  const testCount = Number(query.get('test') ?? 320);
  const runsAsked = Number(query.get('runs') ?? 10);
  const runs = Number.isInteger(runsAsked) && runsAsked > 0 ? runsAsked : 10;
  const webgl = await activate('webgl');
  $('backend-note').textContent = webgl
    ? `Backend: ${tf.getBackend()} (pruning and accuracy); latency is also timed on wasm. Median of ${runs} runs, batch 1, on this machine.`
    : `WebGL did not start; running on ${tf.getBackend()}.`;
  const dense: tfl.LayersModel = await loadSignModel();
  const test = makeTestSet(Number.isInteger(testCount) && testCount > 0 ? testCount : 320, 7002);
  const gallery = makeTestSet(12, 424242);
  setStatus('measuring', 'measuring the dense model…');
  const denseM = await measure(dense, test, gallery, runs);
  show('dense', denseM);
  drawGallery(gallery.data.images, gallery.data.labels, denseM.gallery);
  const button = $<HTMLButtonElement>('prune');
  const slider = $<HTMLInputElement>('sparsity');
  slider.oninput = () => {
    $('sparsity-value').textContent = `${Math.round(Number(slider.value) * 100)}%`;
  };
  let pruned: tfl.LayersModel | undefined;
  // What the browser test reads: the backend, the dense numbers, the numbers of the last run.
  const demo: {
    backend(): string;
    dense: Measured;
    last?: Measured;
    prune?: (m: Method, s: number) => Promise<Measured>;
  } = {
    backend: () => tf.getBackend(),
    dense: denseM,
  };
  const run = async (method: Method, sparsity: number): Promise<Measured> => {
    button.disabled = true;
    setStatus('pruning', `pruning: ${method} at ${Math.round(sparsity * 100)}%…`);
    try {
      pruned?.dispose();
      pruned = await prune(dense, method, sparsity);
      const m = await measure(pruned, test, gallery, runs);
      show('pruned', m);
      demo.last = m;
      drawGallery(gallery.data.images, gallery.data.labels, denseM.gallery, m.gallery);
      setStatus('pruned', `pruned: ${method} at ${Math.round(sparsity * 100)}%`);
      return m;
    } catch (e) {
      setStatus('error', `error: ${(e as Error).message}`);
      throw e;
    } finally {
      button.disabled = false;
    }
  };
  button.onclick = () => {
    void run($<HTMLSelectElement>('method').value as Method, Number(slider.value));
  };
  demo.prune = run;
  (globalThis as unknown as { prunekitDemo: typeof demo }).prunekitDemo = demo;
  button.disabled = false;
  setStatus('ready', 'ready');
}

start().catch((e: unknown) => {
  setStatus('error', `error: ${(e as Error)?.message ?? String(e)}`);
  console.error(e);
});
