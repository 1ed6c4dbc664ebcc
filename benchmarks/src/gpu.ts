// GPU backends benchmark: per backend, dense vs sparse matMul 1024x1024·1024x256 (90% unstructured,
// 4x1 blocks at 90%, 2:4), the adapter each ran on, and whether the kernel conformance cases
// passed on it in this same run. Node runs cpu, wasm and webgpu (Dawn); Chromium runs webgl (and
// webgpu). Software renderers make absolute times meaningless: the ratio is the figure.
//
//   pnpm bench:gpu [--quick] [--backends=cpu,wasm,webgpu,webgl[,webgpu-chromium]] [--require-hardware]
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend as useWasm } from '@prunekit/backend-wasm';
import { hardware, hardwareOpengles, useBackend as useNodeGpu } from '@prunekit/backend-node-gpu';
import { type Goal, activate } from '@prunekit/core';
import { registerCpuSparseKernels } from '@prunekit/sparse';
import { benchMatMul } from '../../packages/backend-webgl/test/bench_matmul.js';
import { type ConformanceRun, runKernelConformance } from '../../packages/backend-webgl/test/kernel_cases.js';
import { envInfo, quick, writeResult } from './util.js';

tf.env().set('PROD', true);

// webgpu-chromium (SwiftShader's WebGPU, ~6 s per dense product here) is opt-in; the browser test
// still runs the conformance cases on it.
const DEFAULT = ['cpu', 'wasm', 'webgpu', 'webgl'];
const arg = process.argv.find((a) => a.startsWith('--backends='));
const wanted = arg ? arg.slice('--backends='.length).split(',') : DEFAULT;
const requireHardware = process.argv.includes('--require-hardware');
/** Repetitions per backend: the pure-JS cpu backend takes seconds per dense product. */
const repsFor = (backend: string) => (backend === 'cpu' ? (quick ? 1 : 3) : quick ? 3 : 7);

interface BackendRun {
  backend: string;
  runtime: 'node' | 'chromium';
  adapter: string;
  conformance?: Pick<ConformanceRun, 'passed' | 'failed' | 'leaked'> & { failures: string[] };
  rows: Record<string, unknown>[];
  error?: string;
}

const summary = (c: ConformanceRun) => ({
  passed: c.passed,
  failed: c.failed,
  leaked: c.leaked,
  failures: c.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error ?? r.maxAbsDiff}`),
});

/** Starts one Node backend; returns its adapter name. */
async function startNode(backend: string): Promise<string> {
  if (backend === 'cpu') {
    registerCpuSparseKernels();
    await activate('cpu');
    return 'tfjs cpu (JavaScript)';
  }
  if (backend === 'wasm') {
    await useWasm();
    return 'tfjs wasm (XNNPACK, SIMD) + prunekit AssemblyScript kernels';
  }
  const info = await useNodeGpu(requireHardware ? { strategies: [hardware, hardwareOpengles] } : {});
  return `${info.name} [Dawn ${info.strategy}${info.software ? ', software' : ''}]`;
}

async function runNode(backend: string): Promise<BackendRun> {
  const run: BackendRun = { backend, runtime: 'node', adapter: 'not started', rows: [] };
  try {
    run.adapter = await startNode(backend);
    if (tf.getBackend() !== backend)
      throw new Error(`asked for '${backend}', tfjs runs '${tf.getBackend()}'`);
    run.conformance = summary(await runKernelConformance({ tolerance: 1e-4 }));
    run.rows = (await benchMatMul({ reps: repsFor(backend) })).map((r) => ({ ...r }));
  } catch (e) {
    run.error = (e as Error).message;
  }
  return run;
}

interface PageResult {
  active: string;
  info?: { name: string };
  conformance?: ConformanceRun;
  rows?: Record<string, unknown>[];
  error?: string;
}

async function runChromium(backends: string[]): Promise<BackendRun[]> {
  const out: BackendRun[] = [];
  let browser:
    | Awaited<ReturnType<typeof import('../../packages/backend-webgl/test/browser/harness.js').openPage>>
    | undefined;
  try {
    // Loaded only when a page is wanted: a GPU host without Chromium runs the Node backends alone.
    const { openPage } = await import('../../packages/backend-webgl/test/browser/harness.js');
    browser = await openPage();
    for (const backend of backends) {
      const run: BackendRun = { backend, runtime: 'chromium', adapter: 'not started', rows: [] };
      const call = (fn: 'run' | 'bench') =>
        browser!.page.evaluate(
          ([f, b, t]) =>
            (
              globalThis as unknown as {
                prunekit: Record<string, (b: string, t: unknown) => Promise<PageResult>>;
              }
            ).prunekit[f as string](b as string, t),
          [fn, backend, { reps: repsFor(backend) }] as const,
        );
      const conf = await call('run');
      run.adapter = conf.info?.name ? `${conf.info.name} [Chromium ${browser.version}]` : run.adapter;
      if (conf.error || conf.active !== backend || !conf.conformance) {
        run.error = conf.error ?? `asked for '${backend}', the page runs '${conf.active}'`;
      } else {
        run.conformance = summary(conf.conformance);
        const b = await call('bench');
        if (b.error) run.error = b.error;
        run.rows = b.rows ?? [];
      }
      out.push(run);
    }
  } catch (e) {
    for (const backend of backends.filter((b) => !out.some((r) => r.backend === b))) {
      out.push({
        backend,
        runtime: 'chromium',
        adapter: 'not started',
        rows: [],
        error: (e as Error).message,
      });
    }
  } finally {
    await browser?.close();
  }
  return out;
}

const runs: BackendRun[] = [];
for (const b of ['cpu', 'wasm', 'webgpu'].filter((b) => wanted.includes(b))) {
  process.stderr.write(`gpu bench: ${b} (node)…\n`);
  runs.push(await runNode(b));
}
const inPage = [
  ...(wanted.includes('webgl') ? ['webgl'] : []),
  ...(wanted.includes('webgpu-chromium') ? ['webgpu'] : []),
];
if (inPage.length > 0) {
  process.stderr.write(`gpu bench: ${inPage.join(', ')} (chromium)…\n`);
  runs.push(...(await runChromium(inPage)));
}

// A backend counts as conformant when every run of it (Node and Chromium for webgpu) passed every case.
const conformant = ['cpu', 'wasm', 'webgl', 'webgpu'].filter((b) => {
  const mine = runs.filter((r) => r.backend === b);
  return (
    mine.length > 0 &&
    mine.every((r) => !r.error && r.conformance && r.conformance.failed === 0 && r.conformance.leaked === 0)
  );
});

const rows = runs.flatMap((r) =>
  r.rows.length > 0
    ? r.rows.map((row) => ({
        backend: r.backend,
        runtime: r.runtime,
        adapter: r.adapter,
        ...row,
        conformance: r.conformance,
      }))
    : [
        {
          backend: r.backend,
          runtime: r.runtime,
          adapter: r.adapter,
          conformance: r.conformance,
          error: r.error ?? 'no rows',
        },
      ],
);
for (const r of runs)
  if (r.error) process.stderr.write(`gpu bench: ${r.backend} (${r.runtime}) failed: ${r.error}\n`);

const goals: Goal[] = [{ name: 'backends_conformant', value: conformant.length, target: 4, op: '>=' }];
const webgpu = runs.find((r) => r.backend === 'webgpu' && r.runtime === 'node');
await writeResult({
  name: 'gpu',
  env: envInfo(runs.map((r) => `${r.backend} (${r.runtime})`).join(', '), {
    adapter: webgpu?.adapter,
    backends_conformant: conformant,
    timing:
      'medians of `reps` interleaved repetitions (dense, then each sparse pattern) after one warm-up round',
    note: /software|llvmpipe|swiftshader/i.test(webgpu?.adapter ?? '')
      ? 'software GPU renderers (llvmpipe, SwiftShader): absolute times are meaningless, the ratios are the figure; medians of few runs on a shared machine, noisy'
      : 'medians of few runs; GPU figures include dispatch and one read-back per batch',
  }),
  rows,
  goals,
});
process.exit(0);
