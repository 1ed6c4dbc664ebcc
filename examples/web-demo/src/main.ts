/** The page: controls, progress, tables and charts. No tensors here; the worker does the work. */
import type { ReportData } from '@prunekit/report';
import { summaryRows } from '@prunekit/report';
import { type ChartShown, chartsShown, drawReportCharts, TrainingChart } from './charts.js';
import { benchWorker, trainingWorker, WorkerClient } from './client.js';
import type {
  BackendName,
  BackendState,
  BenchRequest,
  BenchTiming,
  EpochPoint,
  ExportResult,
  Method,
  ModelChoice,
  Notice,
  SetupResult,
  Stage,
  StageResult,
} from './protocol.js';
import { webgpuMissing } from './webgpu.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const query = new URLSearchParams(location.search);
const int = (name: string, dflt: number) => {
  const v = Number(query.get(name) ?? dflt);
  return Number.isInteger(v) && v > 0 ? v : dflt;
};
// ?train=N fine-tuning samples, ?test=N test samples, ?runs=N timed forward passes per backend,
// ?bench=webgl,wasm backends latency is timed on, ?backend=wasm preselects the training backend.
const SIZES = { train: int('train', 3072), test: int('test', 1024) };
const RUNS = int('runs', 10);
const BENCH = (query.get('bench') ?? 'webgl,wasm,webgpu').split(',') as BackendName[];

/** What the browser test reads. */
interface DemoState {
  setup?: SetupResult;
  /** Each backend as its bench worker started it. */
  backends: Partial<Record<BackendName, BackendState>>;
  stages: Partial<Record<Stage, StageResult>>;
  history: EpochPoint[];
  exported?: ExportResult;
  /** Clicks on the chart toggles: input delay (event to handler) and event to next frame (NaN until it came), ms. */
  clicks: { inputDelayMs: number; toFrameMs: number; during: string }[];
  /** Main-thread tasks over 50 ms seen while fine-tuning (PerformanceObserver 'longtask'). */
  longTasksMs: number[];
  /** The report charts drawn now (per-layer, latency), by canvas id. */
  charts: Record<string, ChartShown>;
  /** Wall time of each step as the page ran it (load, prune, tune, export), ms. */
  timings: Record<string, number>;
  /** WebGPU as the page detected it at start (the backend picker). */
  webgpu?: { available: boolean; note: string };
  error?: string;
}
const state: DemoState = {
  backends: {},
  stages: {},
  history: [],
  clicks: [],
  longTasksMs: [],
  charts: chartsShown,
  timings: {},
};
(globalThis as unknown as { prunekitDemo: DemoState }).prunekitDemo = state;

function setStatus(status: string, text: string): void {
  document.body.dataset.status = status;
  $('status').textContent = text;
}

function setStep(step: string, s: 'active' | 'done'): void {
  const li = document.querySelector<HTMLElement>(`#stepper [data-step="${step}"]`);
  if (li) li.dataset.state = s;
}

function enable(ids: string[], on: boolean): void {
  for (const id of ids) $<HTMLButtonElement>(id).disabled = !on;
}

const chart = new TrainingChart($<HTMLCanvasElement>('train-chart'), 'accuracy');

function onNotice(n: Notice): void {
  if (n.type === 'status') $('status').textContent = n.text;
  else if (n.type === 'progress') {
    $<HTMLProgressElement>('tune-progress').value = n.step / n.total;
    $('tune-text').textContent =
      `step ${n.step} / ${n.total} · epoch ${n.epoch + 1} · loss ${n.loss.toFixed(4)}`;
    const epochs = Number($<HTMLInputElement>('epochs').value);
    chart.step((n.step / n.total) * epochs, n.loss);
    chart.render();
  } else if (n.type === 'epoch') {
    state.history.push(n.point);
    chart.epoch(n.point);
    chart.render();
  }
}

const worker = new WorkerClient(trainingWorker(), onNotice);

// ---- latency: one bench worker per backend ----------------------------------------------------

const benches = new Map<BackendName, WorkerClient<BenchRequest>>();
async function startBenches(): Promise<void> {
  for (const b of BENCH) {
    if (benches.has(b) || state.backends[b]) continue;
    const client = new WorkerClient<BenchRequest>(benchWorker());
    const st = await client
      .request<BackendState>({ type: 'start', backend: b })
      .catch((e: Error): BackendState => ({ available: false, note: e.message }));
    state.backends[b] = st;
    if (st.available) benches.set(b, client);
  }
}

/** The stage's latency on every available backend (and with prunekit's sparse kernels when masked). */
async function timed(r: StageResult): Promise<StageResult> {
  const latencyMs: Record<string, number> = {};
  for (const [b, client] of benches) {
    $('status').textContent = `timing the ${r.stage} model on ${b}…`;
    const t = await client.request<BenchTiming>({
      type: 'time',
      files: r.files,
      inputShape: state.setup?.task.inputShape ?? [],
      runs: RUNS,
      sparse: r.masked && b === 'wasm',
    });
    latencyMs[b] = t.ms;
    if (t.sparseMs !== undefined) latencyMs[`${b} sparse kernels`] = t.sparseMs;
  }
  return { ...r, run: { ...r.run, latencyMs } };
}

// ---- tables and charts -------------------------------------------------------------------------

function reportData(): ReportData {
  const runs = (['dense', 'pruned', 'tuned'] as const)
    .map((s) => state.stages[s]?.run)
    .filter((r) => r !== undefined);
  return { title: 'web demo', created: new Date().toISOString(), env: {}, runs };
}

function drawTable(): void {
  const metric = state.setup?.task.metric ?? 'accuracy';
  const [head, ...rows] = summaryRows(reportData().runs);
  const label = (h: string) => (h === 'accuracy' ? metric : h === 'level' ? 'level asked' : h);
  const thead = $('numbers').querySelector('thead tr') as HTMLElement;
  thead.replaceChildren(
    ...head.map((h) => Object.assign(document.createElement('th'), { textContent: label(h) })),
  );
  const tbody = $('numbers').querySelector('tbody') as HTMLElement;
  tbody.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      r.forEach((cell, i) => {
        const el = document.createElement(i === 0 ? 'th' : 'td');
        el.textContent = cell;
        el.dataset.col = head[i];
        tr.append(el);
      });
      return tr;
    }),
  );
}

function drawAll(): void {
  drawTable();
  const structured = pruneMethod === 'channels' || pruneMethod === 'deadline';
  drawReportCharts(reportData(), structured && state.stages.pruned !== undefined);
  drawGallery();
}

function drawGallery(): void {
  const s = state.setup;
  const root = $('gallery');
  root.replaceChildren();
  $('gallery-panel').hidden = !s || s.galleryLabels.length === 0;
  if (!s) return;
  const [h, w] = s.task.inputShape;
  const names = s.task.classNames;
  s.galleryLabels.forEach((label, i) => {
    const card = document.createElement('figure');
    card.className = 'card';
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const img = ctx.createImageData(w, h);
    for (let p = 0; p < w * h; p++) {
      img.data.set(s.galleryImages.subarray((i * w * h + p) * 3, (i * w * h + p) * 3 + 3), p * 4);
      img.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const caption = document.createElement('figcaption');
    caption.innerHTML = `<b>${names[label]}</b>`;
    for (const stage of ['dense', 'pruned', 'tuned'] as const) {
      const r = state.stages[stage];
      if (!r) continue;
      const c = r.gallery[i];
      const line = document.createElement('div');
      line.className = c === label ? 'ok' : 'bad';
      line.textContent = `${stage === 'tuned' ? 'fine-tuned' : stage}: ${names[c]}`;
      caption.append(line);
    }
    card.append(canvas, caption);
    root.append(card);
  });
}

// ---- controls ----------------------------------------------------------------------------------

const levelInput = $<HTMLInputElement>('level');
/** The method of the pruned stage shown (the select may have changed since). */
let pruneMethod: Method = 'channels';
const LEVEL_HELP: Record<Method, string> = {
  channels: 'share of channels removed',
  unstructured: 'share of weights zeroed',
  nm: '',
  deadline: "latency budget: share of the dense model's latency on the training backend",
};
function syncMethod(): void {
  const m = $<HTMLSelectElement>('method').value as Method;
  $('nm-row').hidden = m !== 'nm';
  $('level-row').hidden = m === 'nm';
  $('level-help').textContent = LEVEL_HELP[m];
  $('level-value').textContent = `${Math.round(Number(levelInput.value) * 100)}%`;
}
levelInput.oninput = syncMethod;
$<HTMLSelectElement>('method').onchange = syncMethod;
syncMethod();

let dropped: File[] = [];
function pickFiles(list: FileList | null): void {
  const files = [...(list ?? [])];
  const json = files.filter((f) => f.name.endsWith('.json'));
  dropped = [...json, ...files.filter((f) => !f.name.endsWith('.json'))];
  $('files-picked').textContent = files.length ? files.map((f) => f.name).join(', ') : '';
  if (json.length === 1)
    ($('setup').querySelector('input[value="dropped"]') as HTMLInputElement).checked = true;
}
$<HTMLInputElement>('files').onchange = (e) => pickFiles((e.target as HTMLInputElement).files);
const drop = $('drop');
drop.ondragover = (e) => {
  e.preventDefault();
  drop.classList.add('over');
};
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  pickFiles(e.dataTransfer?.files ?? null);
};

const backendParam = query.get('backend');
if (backendParam) $<HTMLSelectElement>('backend').value = backendParam;

for (const b of document.querySelectorAll<HTMLButtonElement>('.toggle')) {
  b.onclick = (e) => {
    const start = performance.now();
    const which = b.dataset.show as 'loss' | 'acc' | 'both';
    for (const o of document.querySelectorAll<HTMLButtonElement>('.toggle'))
      o.setAttribute('aria-pressed', String(o === b));
    chart.show(which);
    // Recorded at once (the handler ran); the next frame fills in toFrameMs when it comes.
    const click = {
      inputDelayMs: start - e.timeStamp,
      toFrameMs: Number.NaN,
      during: document.body.dataset.status ?? '',
    };
    state.clicks.push(click);
    requestAnimationFrame(() => {
      click.toFrameMs = performance.now() - e.timeStamp;
    });
  };
}

async function step<T>(status: string, text: string, run: () => Promise<T>): Promise<T | undefined> {
  enable(['load', 'prune', 'tune', 'export'], false);
  setStatus(status, text);
  const t0 = performance.now();
  try {
    const out = await run();
    state.timings[status] = performance.now() - t0;
    return out;
  } catch (e) {
    state.error = (e as Error).message;
    setStatus('error', `error: ${(e as Error).message}`);
    return undefined;
  } finally {
    enable(['load'], true);
    enable(['prune'], state.setup !== undefined);
    enable(['tune'], state.stages.pruned !== undefined);
    enable(['export'], state.setup !== undefined);
  }
}

$('load').onclick = () =>
  void step('loading', 'loading…', async () => {
    const model = (document.querySelector('input[name="model"]:checked') as HTMLInputElement)
      .value as ModelChoice;
    if (model === 'dropped' && !dropped.some((f) => f.name.endsWith('.json'))) {
      throw new Error('Choose a model.json (and its .bin weight files) first.');
    }
    const backend = $<HTMLSelectElement>('backend').value as BackendName;
    state.stages = {};
    state.history = [];
    state.exported = undefined;
    setStep('load', 'active');
    const res: SetupResult = await worker.request<SetupResult>({
      type: 'setup',
      model,
      files: model === 'dropped' ? dropped : undefined,
      backend,
      sizes: SIZES,
    });
    state.setup = res;
    await startBenches();
    state.stages.dense = await timed(res.dense);
    $('backend-notes').replaceChildren(
      ...Object.entries({ ...state.backends, [`${backend} (training)`]: res.backendState }).map(([name, b]) =>
        Object.assign(document.createElement('li'), {
          className: b.available ? 'ok' : 'bad',
          textContent: `${name}: ${b.available ? 'available' : 'unavailable'} — ${b.note}`,
        }),
      ),
    );
    const missing = Object.entries(state.backends)
      .filter(([, b]) => !b.available)
      .map(([name]) => name);
    $('compare-note').textContent =
      `${res.task.title}. ${res.task.metric} on ${res.task.testSize} test samples (seed ${res.task.testSeed}), ` +
      `fine-tuning on ${res.task.trainSize} other samples; pruning and fine-tuning on ${res.dense.backend}. ` +
      `Latency: median of ${RUNS} batch-1 forward passes per backend on this machine` +
      (missing.length ? ` (not timed: ${missing.join(', ')} — not available here).` : '.');
    chart.reset(Number($<HTMLInputElement>('epochs').value));
    drawAll();
    setStep('load', 'done');
    setStatus('ready', `ready: ${res.task.title} on ${res.dense.backend}`);
  });

$('prune').onclick = () =>
  void step('pruning', 'scoring and pruning…', async () => {
    const method = $<HTMLSelectElement>('method').value as Method;
    const [n, m] = $<HTMLSelectElement>('nm').value.split(':').map(Number);
    const level = method === 'nm' ? 1 - n / m : Number(levelInput.value);
    setStep('prune', 'active');
    delete state.stages.tuned;
    state.stages.pruned = await timed(
      await worker.request<StageResult>({ type: 'prune', method, level, nm: { n, m } }),
    );
    pruneMethod = method;
    const d = state.stages.pruned.deadline;
    $('deadline-note').textContent = d
      ? `Budget ${d.budgetMs.toFixed(2)} ms (${Math.round(level * 100)}% of the dense model's ${d.denseMs.toFixed(2)} ms on ${d.backend}): ` +
        `predicted ${d.predictedMs.toFixed(2)} ms, measured ${d.measuredMs.toFixed(2)} ms after ${d.rounds} round(s) — ${d.met ? 'met' : 'missed'}.`
      : '';
    drawAll();
    setStep('prune', 'done');
    setStatus('pruned', `pruned: ${state.stages.pruned.run.name}`);
  });

$('tune').onclick = () =>
  void step('tuning', 'fine-tuning…', async () => {
    const epochs = Number($<HTMLInputElement>('epochs').value);
    state.history = [];
    chart.reset(epochs);
    setStep('tune', 'active');
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasksMs.push(e.duration);
    });
    try {
      observer.observe({ type: 'longtask', buffered: false });
    } catch {
      // longtask timing is not in every browser; the click test still runs
    }
    try {
      const tuned = await worker.request<StageResult>({
        type: 'finetune',
        epochs,
        lr: Number($<HTMLInputElement>('lr').value),
        batchSize: Number($<HTMLInputElement>('batch').value),
        alpha: Number($<HTMLInputElement>('alpha').value),
        temperature: 4,
      });
      observer.disconnect();
      state.stages.tuned = await timed(tuned);
    } finally {
      observer.disconnect();
    }
    drawAll();
    setStep('tune', 'done');
    setStatus('tuned', `fine-tuned: ${state.stages.tuned.run.name}`);
  });

let blobUrls: string[] = [];
$('export').onclick = () =>
  void step('exporting', 'exporting…', async () => {
    setStep('export', 'active');
    const which = state.stages.tuned ? 'tuned' : state.stages.pruned ? 'pruned' : 'dense';
    const model = state.setup?.task.model ?? 'model';
    const res = await worker.request<ExportResult>({ type: 'export', name: `prunekit-${model}-${which}` });
    state.exported = res;
    for (const u of blobUrls) URL.revokeObjectURL(u);
    blobUrls = [];
    const items = res.files.map((f) => {
      const url = URL.createObjectURL(new Blob([f.bytes as Uint8Array<ArrayBuffer>]));
      blobUrls.push(url);
      const a = Object.assign(document.createElement('a'), {
        href: url,
        download: f.name,
        textContent: f.name,
      });
      a.dataset.file = f.name;
      const li = document.createElement('li');
      li.append(a, ` (${f.bytes.byteLength.toLocaleString('en')} bytes)`);
      return li;
    });
    const all = Object.assign(document.createElement('button'), {
      type: 'button',
      textContent: 'Download all',
    });
    all.onclick = () => {
      for (const a of $('downloads').querySelectorAll('a')) a.click();
    };
    const li = document.createElement('li');
    li.append(all);
    $('downloads').replaceChildren(...items, li);
    const a = res.reloadAgreement;
    $('idb-note').textContent =
      `Saved to ${res.indexedDbUrl}; reloaded from there with tf.loadLayersModel: ` +
      `${a.same} of ${a.total} test predictions identical.`;
    setStep('export', 'done');
    setStatus('exported', `exported the ${which === 'tuned' ? 'fine-tuned' : which} model`);
  });

/** Greys out WebGPU in the backend picker when the browser cannot run it, and says why. */
async function detectWebgpu(): Promise<void> {
  const why = await webgpuMissing();
  state.webgpu = { available: why === undefined, note: why ?? 'available' };
  const option = $('backend').querySelector<HTMLOptionElement>('option[value="webgpu"]');
  if (why && option) {
    option.disabled = true;
    option.textContent = 'WebGPU — not available in this browser';
  }
  $('webgpu-note').textContent = why ? `WebGPU ${why}.` : '';
}

setStatus('idle', 'choose a model and press Load');
void detectWebgpu();
if (query.has('autoload')) $('load').click();
