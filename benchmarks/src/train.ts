// Training speed of the traffic-sign CNN on 'wasm' (with prunekit's training kernels) vs 'cpu',
// plus side-by-side timings of each training kernel's alternatives on the model's own shapes.
//   pnpm bench:train [--quick]      (--kernels-only: the kernel rows; --profile: time per kernel
//                                     inside a step and a forward pass, to stderr, nothing written)
// Every figure is a median of repeated runs in this process; the cpu step is slow (its
// Conv2DBackpropFilter is a per-element loop), so it gets few repetitions. The machine's load
// average (1 min) at the start and the end goes into env: on a shared machine it says how far
// to trust the figures.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  conv2DBackpropFilterComposed,
  conv2DBackpropFilterSimd,
  originalWasmKernel,
  startBackend,
} from '@prunekit/backend-wasm';
import { createRng, median } from '@prunekit/core';
import { createSignModel } from '../../examples/perception-traffic-signs/src/model.js';
import { envInfo, quick, timeMedian, writeResult } from './util.js';

tf.env().set('PROD', true); // no Node banner on stdout: it must hold only the JSON
const BATCH = 32;
const CLASSES = 12;
const rows: Record<string, unknown>[] = [];
const round = (v: number) => Math.round(v * 1000) / 1000;

function batch(seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const rng = createRng(seed);
  const x = new Float32Array(BATCH * 32 * 32 * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const y = new Float32Array(BATCH * CLASSES);
  for (let i = 0; i < BATCH; i++) y[i * CLASSES + rng.int(CLASSES)] = 1;
  return { xs: tf.tensor4d(x, [BATCH, 32, 32, 3]), ys: tf.tensor2d(y, [BATCH, CLASSES]) };
}

/**
 * One training step (trainOnBatch, SGD) and, on 'wasm', one forward pass (predict) on the same
 * batch, interleaved: step, forward, step, forward, … so both see the same machine load. Returns
 * the medians and the median of the per-pair step/forward ratios.
 */
async function trainStep(backend: 'cpu' | 'wasm', reps: number, warmup: number, forward: boolean) {
  await startBackend(backend);
  const model = createSignModel(CLASSES, 1);
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const { xs, ys } = batch(7);
  const predict = async () => {
    const p = model.predict(xs) as tf.Tensor;
    await p.data();
    p.dispose();
  };
  const clock = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) {
    await model.trainOnBatch(xs, ys);
    if (forward) await predict();
  }
  const steps: number[] = [];
  const fwds: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < reps; i++) {
    steps.push(await clock(() => model.trainOnBatch(xs, ys)));
    if (forward) {
      fwds.push(await clock(predict));
      ratios.push(steps[i] / fwds[i]);
    }
  }
  tf.dispose([xs, ys]);
  model.dispose();
  return {
    step: median(steps),
    fwd: forward ? median(fwds) : Number.NaN,
    ratio: forward ? median(ratios) : Number.NaN,
    steps,
    fwds,
  };
}

type Info = tf.TensorInfo;
/** Median ms of a kernel-level call on 'wasm'; its output is freed after each run. */
async function timeKernel(fn: () => Info, reps: number): Promise<number> {
  const backend = tf.backend() as BackendWasm;
  return timeMedian(
    () => {
      const out = fn();
      backend.readSync(out.dataId, 0, 1);
      backend.disposeData(out.dataId);
    },
    reps,
    2,
  );
}

/** The kernels a training step of the sign CNN runs, each alternative on the model's shapes. */
async function kernelRows(reps: number) {
  await startBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const rng = createRng(3);
  const rand = (shape: number[]) => {
    const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < v.length; i++) v[i] = rng.normal();
    return tf.tensor(v, shape);
  };
  const run = (
    name: string,
    config: tf.KernelConfig | undefined | 'registered',
    inputs: Record<string, Info>,
    attrs: object,
  ) => {
    const c = config === 'registered' ? tf.getKernel(name, 'wasm') : config;
    if (c == null) throw new Error(`no '${name}' kernel to time`);
    return () => c.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
  };
  const model = createSignModel(CLASSES, 1);
  let shape = [BATCH, 32, 32, 3];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const out = [BATCH, ...(layer.outputShape as number[]).slice(1)];
    if (cls === 'Conv2D') {
      const w = layer.getWeights()[0].shape;
      const x = rand(shape);
      const dy = rand(out);
      const f = rand(w);
      const attrs = { strides: 1, pad: 'same' as const, filterShape: w as [number, number, number, number] };
      const comp = await timeKernel(() => conv2DBackpropFilterComposed(backend, x, dy, attrs), reps);
      const simd = await timeKernel(() => conv2DBackpropFilterSimd(backend, x, dy, attrs), reps);
      const picked = await timeKernel(
        run('Conv2DBackpropFilter', 'registered', { x, dy }, { ...attrs, dataFormat: 'NHWC' }),
        reps,
      );
      const fwd = await timeKernel(
        run(
          'Conv2D',
          'registered',
          { x, filter: f },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 },
        ),
        reps,
      );
      rows.push({
        kernel: 'Conv2DBackpropFilter',
        layer: layer.name,
        x: shape,
        dy: out,
        forward_conv_ms: round(fwd),
        composition_ms: round(comp),
        assemblyscript_ms: round(simd),
        registered_ms: round(picked),
        faster: comp <= simd ? 'composition' : 'assemblyscript',
      });
      const iAttrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: shape };
      const orig = await timeKernel(
        run('Conv2DBackpropInput', originalWasmKernel('Conv2DBackpropInput'), { dy, filter: f }, iAttrs),
        reps,
      );
      const ours = await timeKernel(
        run('Conv2DBackpropInput', 'registered', { dy, filter: f }, iAttrs),
        reps,
      );
      rows.push({
        kernel: 'Conv2DBackpropInput',
        layer: layer.name,
        dy: out,
        filter: w,
        tfjs_wasm_ms: round(orig),
        composition_ms: round(ours),
        speedup: round(orig / ours),
      });
      // The bias gradient: dy summed over N, H, W.
      const sAttrs = { axis: [0, 1, 2], keepDims: false };
      const sOrig = await timeKernel(run('Sum', originalWasmKernel('Sum'), { x: dy }, sAttrs), reps);
      const sOurs = await timeKernel(run('Sum', 'registered', { x: dy }, sAttrs), reps);
      rows.push({
        kernel: 'Sum',
        layer: layer.name,
        x: out,
        axis: [0, 1, 2],
        tfjs_wasm_ms: round(sOrig),
        column_sum_ms: round(sOurs),
        speedup: round(sOrig / sOurs),
      });
      // The training forward adds the bias separately (tfjs fuses it only without a gradient).
      const bias = rand([out[3]]);
      const aOrig = await timeKernel(run('Add', originalWasmKernel('Add'), { a: dy, b: bias }, {}), reps);
      const aOurs = await timeKernel(run('Add', 'registered', { a: dy, b: bias }, {}), reps);
      rows.push({
        kernel: 'Add (bias)',
        layer: layer.name,
        x: out,
        tfjs_wasm_ms: round(aOrig),
        simd_pass_ms: round(aOurs),
        speedup: round(aOrig / aOurs),
      });
      tf.dispose([x, dy, f, bias]);
    } else if (cls === 'MaxPooling2D') {
      const x = rand(shape);
      const dy = rand(out);
      const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
      const inputs = { dy, input: x, output: dy };
      const orig = await timeKernel(
        run('MaxPoolGrad', originalWasmKernel('MaxPoolGrad'), inputs, attrs),
        reps,
      );
      const ours = await timeKernel(run('MaxPoolGrad', 'registered', inputs, attrs), reps);
      rows.push({
        kernel: 'MaxPoolGrad',
        layer: layer.name,
        x: shape,
        tfjs_wasm_ms: round(orig),
        assemblyscript_ms: round(ours),
        speedup: round(orig / ours),
      });
      tf.dispose([x, dy]);
    } else if (cls === 'Dense') {
      // dW = xᵀ·dy (transposeA) and dx = dy·Wᵀ (transposeB), the two products a dense gradient runs.
      const k = shape.slice(1).reduce((a, b) => a * b, 1);
      const units = out[1];
      const x = rand([1, BATCH, k]);
      const dy = rand([1, BATCH, units]);
      const w = rand([1, k, units]);
      for (const [label, inputs, attrs] of [
        ['x^T dy', { a: x, b: dy }, { transposeA: true, transposeB: false }],
        ['dy W^T', { a: dy, b: w }, { transposeA: false, transposeB: true }],
      ] as const) {
        const orig = await timeKernel(
          run('BatchMatMul', originalWasmKernel('BatchMatMul'), inputs, attrs),
          reps,
        );
        const ours = await timeKernel(run('BatchMatMul', 'registered', inputs, attrs), reps);
        rows.push({
          kernel: 'BatchMatMul',
          layer: layer.name,
          product: label,
          k,
          units,
          tfjs_wasm_ms: round(orig),
          xnnpack_after_transposes_ms: round(ours),
          speedup: round(orig / ours),
        });
      }
      tf.dispose([x, dy, w]);
    }
    shape = out;
  }
  model.dispose();
}

/**
 * --profile: wall time per kernel name inside one wasm training step and one forward pass (every
 * 'wasm' kernel wrapped with a timer; calls a kernel makes to other kernels count for the outer
 * one), median over runs, printed to stderr. Writes no results. tf.profile was tried first and
 * reported kernels 2x slower than these timers (its bookkeeping runs inside the timed span).
 */
async function profileStep(reps: number) {
  await startBackend('wasm');
  let depth = 0;
  let current = new Map<string, number>();
  for (const k of tf.getKernelsForBackend('wasm')) {
    const run = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        depth++;
        const t0 = performance.now();
        try {
          return run(args);
        } finally {
          depth--;
          if (depth === 0)
            current.set(k.kernelName, (current.get(k.kernelName) ?? 0) + performance.now() - t0);
        }
      },
    });
  }
  const model = createSignModel(CLASSES, 1);
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const { xs, ys } = batch(7);
  const runs = { step: new Map<string, number[]>(), forward: new Map<string, number[]>() };
  const walls = { step: [] as number[], forward: [] as number[] };
  const record = async (tag: 'step' | 'forward', fn: () => Promise<unknown>) => {
    current = new Map();
    const t0 = performance.now();
    await fn();
    walls[tag].push(performance.now() - t0);
    for (const [k, v] of current) runs[tag].set(k, [...(runs[tag].get(k) ?? []), v]);
  };
  for (let i = 0; i < 3; i++) await model.trainOnBatch(xs, ys);
  for (let i = 0; i < reps; i++) {
    await record('step', () => model.trainOnBatch(xs, ys));
    await record('forward', async () => {
      const p = model.predict(xs) as tf.Tensor;
      await p.data();
      p.dispose();
    });
  }
  tf.dispose([xs, ys]);
  model.dispose();
  for (const tag of ['step', 'forward'] as const) {
    const lines = [...runs[tag]]
      .map(([k, v]) => [k, median(v), Math.min(...v)] as const)
      .sort((a, b) => b[1] - a[1]);
    const sum = (i: 1 | 2) => lines.reduce((a, l) => a + l[i], 0).toFixed(2);
    const wall = walls[tag];
    process.stderr.write(
      `${tag}: wall median ${median(wall).toFixed(2)} (min ${Math.min(...wall).toFixed(2)}) ms; ` +
        `in kernels, sum of medians ${sum(1)} (of minima ${sum(2)}) ms\n`,
    );
    for (const [k, med, min] of lines) {
      process.stderr.write(`  ${k.padEnd(28)} ${med.toFixed(3).padStart(8)} ${min.toFixed(3).padStart(8)}\n`);
    }
  }
}

async function main() {
  if (process.argv.includes('--profile')) {
    await profileStep(quick ? 5 : 15);
    return;
  }
  const t0 = performance.now();
  const load0 = loadavg()[0];
  await kernelRows(quick ? 3 : 15);
  // --kernels-only: just the per-kernel rows (no training steps), for quick comparisons.
  if (process.argv.includes('--kernels-only')) {
    console.log(JSON.stringify(rows, null, 1));
    return;
  }
  // wasm pairs are cheap (~50 ms each): --quick takes as many as the full run used to, for a steadier median.
  const wasm = await trainStep('wasm', quick ? 21 : 41, 5, true);
  const cpu = await trainStep('cpu', quick ? 1 : 3, quick ? 0 : 1, false);
  rows.push({
    kernel: 'train step (trainOnBatch, batch 32)',
    cpu_ms: round(cpu.step),
    wasm_ms: round(wasm.step),
    wasm_forward_ms: round(wasm.fwd),
    wasm_step_over_forward_paired_median: round(wasm.ratio),
    cpu_reps: quick ? 1 : 3,
    wasm_reps: quick ? 21 : 41,
    // Every pair as measured (step, then forward), so the spread behind the medians is visible.
    wasm_step_runs_ms: wasm.steps.map(round),
    wasm_forward_runs_ms: wasm.fwds.map(round),
  });
  await writeResult({
    name: 'train',
    env: envInfo('wasm+cpu', {
      batch: BATCH,
      model: 'createSignModel(12), 32x32x3',
      quick,
      wall_s: round((performance.now() - t0) / 1000),
      load_avg_1min_start: round(load0),
      load_avg_1min_end: round(loadavg()[0]),
    }),
    rows,
    goals: [
      { name: 'wasm_over_cpu_train_step', value: cpu.step / wasm.step, target: 10, op: '>=' },
      { name: 'wasm_train_step_over_forward', value: wasm.ratio, target: 4, op: '<=' },
    ],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
