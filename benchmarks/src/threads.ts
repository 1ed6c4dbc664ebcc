// pnpm bench:threads [--quick] [--workers N] — the 'wasm' sparse kernels single-threaded vs on the
// main thread plus N worker threads (useThreads, default N = 1: two threads), timed alternately in
// one run on the issue's shapes at 90% CSR, plus a sweep over the dense width of the matMul and small
// shapes where threading does not pay. Ratios are medians of per-pair wall-time ratios (the process's
// CPU time, all threads together, is reported beside them).
import '@tensorflow/tfjs-backend-cpu';
import { sparseBuild, startBackend } from '@prunekit/backend-wasm';
import { useThreads } from '@prunekit/backend-wasm/node';
import { type Goal, createRng } from '@prunekit/core';
import {
  type FormatSpec,
  sparseConv2d,
  sparseFromDense,
  sparseMatMul,
  toSparseTensors,
} from '@prunekit/sparse';
import { availableParallelism, loadavg } from 'node:os';
import v8 from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import { timePaired } from './kernels/paired.js';
import { prunedWeights } from './kernels/weights.js';
import { envInfo, quick, writeResult } from './util.js';

tf.env().set('PROD', true);
// Same kernel build as bench:kernels (relaxed SIMD on Node 20 through V8's flag; --simd128 keeps
// the plain build). V8 flags are per process, so the workers run the same build.
if (!process.argv.includes('--simd128')) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const flag = process.argv.indexOf('--workers');
const workers = flag > 0 ? Number(process.argv[flag + 1]) : 1;
const loadavgAtStart = loadavg();
await startBackend('wasm');
const threads = await useThreads({ workers, minWork: 0 });

interface Case {
  name: string;
  group: 'issue shape' | 'width sweep' | 'small' | 'format';
  spec: FormatSpec;
  sparsity: number;
  /** Sparse operand [rows, cols]. */
  rows: number;
  cols: number;
  /** matMul: dense width and layout; conv: NHWC input and filter size. */
  n?: number;
  layout?: 'kn' | 'nk';
  conv?: { h: number; w: number; k: number };
}

const csr: FormatSpec = { format: 'csr' };
const mm = (n: number, group: Case['group'], spec: FormatSpec = csr, sparsity = 0.9): Case => ({
  name: `matmul 1024x1024·1024x${n}`,
  group,
  spec,
  sparsity,
  rows: 1024,
  cols: 1024,
  n,
  layout: 'kn',
});
const CASES: Case[] = [
  mm(256, 'issue shape'),
  {
    name: 'conv1x1 56x56x128→128',
    group: 'issue shape',
    spec: csr,
    sparsity: 0.9,
    rows: 128,
    cols: 128,
    conv: { h: 56, w: 56, k: 1 },
  },
  {
    name: 'conv3x3 28x28x64→64',
    group: 'issue shape',
    spec: csr,
    sparsity: 0.9,
    rows: 64,
    cols: 576,
    conv: { h: 28, w: 28, k: 3 },
  },
  ...[1, 4, 16, 64].map((n) => mm(n, 'width sweep')),
  {
    name: 'matmul 256x256·256x16',
    group: 'small',
    spec: csr,
    sparsity: 0.9,
    rows: 256,
    cols: 256,
    n: 16,
    layout: 'kn',
  },
  {
    name: 'dense 1024→1024 batch 8 (nk)',
    group: 'small',
    spec: csr,
    sparsity: 0.9,
    rows: 1024,
    cols: 1024,
    n: 8,
    layout: 'nk',
  },
  {
    name: 'dense 1024→1024 batch 64 (nk)',
    group: 'width sweep',
    spec: csr,
    sparsity: 0.9,
    rows: 1024,
    cols: 1024,
    n: 64,
    layout: 'nk',
  },
  {
    name: 'conv3x3 14x14x32→32',
    group: 'small',
    spec: csr,
    sparsity: 0.9,
    rows: 32,
    cols: 288,
    conv: { h: 14, w: 14, k: 3 },
  },
  mm(256, 'format', { format: 'bsr', blockShape: [4, 1] }),
  mm(256, 'format', { format: 'nm', n: 2, m: 4 }, 0.5),
];

const reps = quick ? 15 : 61;
const rng = createRng(77);
const label = (s: FormatSpec) =>
  s.format === 'bsr' ? `bsr ${s.blockShape.join('x')}` : s.format === 'nm' ? `${s.n}:${s.m}` : 'csr';

async function runCase(c: Case) {
  const s = toSparseTensors(
    sparseFromDense(prunedWeights(c.rows, c.cols, c.spec, c.sparsity, rng), [c.rows, c.cols], c.spec),
  );
  const stored = s.values.shape[0];
  const x = c.conv
    ? tf.randomUniform(
        [1, c.conv.h, c.conv.w, c.cols / (c.conv.k * c.conv.k)],
        -1,
        1,
        'float32',
        rng.int(1e6),
      )
    : tf.randomUniform(c.layout === 'kn' ? [c.cols, c.n!] : [c.n!, c.cols], -1, 1, 'float32', rng.int(1e6));
  const op = () =>
    c.conv
      ? sparseConv2d(x as tf.Tensor4D, s, { filterSize: [c.conv.k, c.conv.k], padding: 'same' })
      : sparseMatMul(s, x as tf.Tensor2D, { xLayout: c.layout });
  const single = () => {
    threads.minWork = Number.POSITIVE_INFINITY;
    op().dispose();
  };
  const threaded = () => {
    threads.minWork = 0;
    op().dispose();
  };
  const t = await timePaired(single, threaded, reps, 5);
  threads.minWork = Number.POSITIVE_INFINITY;
  const want = op();
  threads.minWork = 0;
  const got = op();
  const [a, b] = [want.dataSync(), got.dataSync()];
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i] - b[i]));
  tf.dispose([want, got, x]);
  s.dispose();
  // Multiply-adds per call: stored values times the dense columns each meets.
  const columns = c.conv ? c.conv.h * (c.conv.w + c.conv.k - 1) : c.n!;
  return {
    shape: c.name,
    group: c.group,
    format: label(c.spec),
    sparsity: c.sparsity,
    work: stored * columns,
    singleMs: t.aMs,
    threadedMs: t.bMs,
    speedup: t.ratio,
    singleCpuMs: t.aCpuMs,
    threadedCpuMs: t.bCpuMs,
    cpuOverSingle: 1 / t.cpuRatio,
    callsPerSample: t.inner,
    maxAbsDiff,
  };
}

const rows: Awaited<ReturnType<typeof runCase>>[] = [];
for (const c of CASES) {
  rows.push(await runCase(c));
  process.stderr.write(`done ${c.name} ${c.group}\n`);
}
await threads.dispose();

const threadCount = workers + 1;
const issue = (shape: string) => rows.find((r) => r.shape === shape && r.group === 'issue shape')!;
// Break-even: the least work (multiply-adds per call) of the CSR rows at which threading paid.
const paid = rows.filter((r) => r.format === 'csr' && r.speedup >= 1).map((r) => r.work);
const lost = rows.filter((r) => r.format === 'csr' && r.speedup < 1).map((r) => r.work);
const goals: Goal[] = [
  {
    name: `threads${threadCount}_speedup_matmul_90`,
    value: issue(CASES[0].name).speedup,
    target: 1.3,
    op: '>=',
  },
];

await writeResult({
  name: 'threads',
  env: envInfo('wasm', {
    quick,
    reps,
    threads: threadCount,
    workers,
    availableParallelism: availableParallelism(),
    sparseKernelBuild: sparseBuild(),
    timing:
      'single-threaded and threaded calls alternate; speedup = median of per-pair wall-time ratios single/threaded; ' +
      'CPU time is the whole process (all threads), so cpuOverSingle > 1 is the price of the hand-off and copies',
    noise:
      'any other process on the second core takes it from the worker: read the figures with loadavgAtStart and loadavgAtEnd',
    loadavgAtStart,
    loadavgAtEnd: loadavg(),
    breakEvenWork: {
      leastWorkThatPaid: paid.length ? Math.min(...paid) : null,
      mostWorkThatLost: lost.length ? Math.max(...lost) : null,
      defaultMinWork: 2 ** 21,
    },
  }),
  rows,
  goals,
});
