// pnpm bench:kernels [--quick] — sparse kernels on wasm vs tfjs-wasm dense (and onnxruntime native
// dense MatMul) on the same shapes in the same run, plus the traffic-sign model end to end.
import '@tensorflow/tfjs-backend-cpu';
import { sparseBuild, startBackend } from '@prunekit/backend-wasm';
import { type Goal, createRng } from '@prunekit/core';
import { sparseFromDense, sparseMatMul, toSparseTensors } from '@prunekit/sparse';
import { loadavg } from 'node:os';
import v8 from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import { runSignsE2e } from './kernels/e2e_signs.js';
import { type KernelRow, SHAPES, type Variant, breakEven, runShape } from './kernels/kernel_cases.js';
import { timeOrtMatMul } from './kernels/ort_dense.js';
import { prunedWeights } from './kernels/weights.js';
import { envInfo, quick, writeResult } from './util.js';

tf.env().set('PROD', true);
// Relaxed SIMD (fused multiply-add) is on by default in Chrome ≥ 114 and Node ≥ 22; Node 20 needs
// V8's flag. With it the sparse kernels load their relaxed-SIMD build; tfjs-wasm's own binary has no
// relaxed-SIMD code, so the dense side is unchanged. `--simd128` keeps the plain build.
const relaxedWanted = !process.argv.includes('--simd128');
if (relaxedWanted) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const loadavgAtStart = loadavg();
await startBackend('wasm');

const reps = quick ? 7 : 21;
const rng = createRng(2024);
const CSR_SPARSITIES = [0.2, 0.3, 0.4, 0.5, 0.7, 0.8, 0.9, 0.95];
const csr = (s: number): Variant => ({ label: 'csr', spec: { format: 'csr' }, sparsity: s });
const variants: Variant[] = [
  ...CSR_SPARSITIES.map(csr),
  { label: 'bsr 4x1', spec: { format: 'bsr', blockShape: [4, 1] }, sparsity: 0.9 },
  { label: 'bsr 8x1', spec: { format: 'bsr', blockShape: [8, 1] }, sparsity: 0.9 },
  { label: '2:4', spec: { format: 'nm', n: 2, m: 4 }, sparsity: 0.5 },
];

const kernelRows: KernelRow[] = [];
for (const shape of SHAPES) {
  // Conv shapes skip the low-sparsity CSR points in --quick to stay within a minute.
  const vs =
    quick && shape.kind === 'conv'
      ? variants.filter((v) => v.label !== 'csr' || v.sparsity >= 0.5)
      : variants;
  kernelRows.push(...(await runShape(shape, vs, rng, reps)));
  process.stderr.write(`done ${shape.name}\n`);
}
const mm = kernelRows.filter((r) => r.shape === SHAPES[0].name);
const pick = (label: string, s: number) =>
  mm.find((r) => r.format === label && r.sparsity === s) as KernelRow;

// onnxruntime-node native dense MatMul on the matMul shape, against prunekit CSR at 90%.
const [m, k, n] = [1024, 1024, 256];
const a90 = prunedWeights(m, k, { format: 'csr' }, 0.9, rng);
const bData = Float32Array.from({ length: k * n }, () => rng.next() * 2 - 1);
const bT = tf.tensor2d(bData, [k, n]);
const s90 = toSparseTensors(sparseFromDense(a90, [m, k], { format: 'csr' }));
const ours = sparseMatMul(s90, bT);
const reference = ours.dataSync() as Float32Array;
const ortRows = await timeOrtMatMul(a90, bData, [m, k, n], reference, reps, ['default', 1], () =>
  sparseMatMul(s90, bT).dispose(),
);
tf.dispose([ours, bT]);
s90.dispose();
// Our kernel is single-threaded: the goal compares CPU time against single-threaded ORT; the
// default (multi-threaded) ORT is reported beside it in wall time.
const ortOne = ortRows.find((r) => r.threads === 1)!;
process.stderr.write('done onnxruntime\n');

// The e2e samples are short (a few ms each): the same 41 pairs in --quick as in a full run.
const e2e = await runSignsE2e(41);
process.stderr.write('done signs e2e\n');

const goals: Goal[] = [
  { name: 'csr_speedup_90', value: pick('csr', 0.9).speedup, target: 6, op: '>=' },
  {
    name: 'csr_breakeven_sparsity',
    value: breakEven(mm.filter((r) => r.format === 'csr')),
    target: 0.4,
    op: '<=',
  },
  { name: 'bsr4x1_speedup_90', value: pick('bsr 4x1', 0.9).speedup, target: 8, op: '>=' },
  { name: 'nm24_speedup', value: pick('2:4', 0.5).speedup, target: 1.5, op: '>=' },
  { name: 'time_over_ort_dense_90', value: ortOne.oursOverOrtCpu, target: 1.0, op: '<=' },
  { name: 'e2e_signs_speedup_b1', value: e2e.speedupB1, target: 3, op: '>=' },
  { name: 'e2e_signs_speedup_b32', value: e2e.speedupB32, target: 3, op: '>=' },
  { name: 'e2e_signs_file_ratio', value: e2e.fileRatio, target: 3, op: '>=' },
];

await writeResult({
  name: 'kernels',
  env: envInfo('wasm', {
    quick,
    reps,
    goalsMeasuredOn: SHAPES[0].name,
    sparseKernelBuild: sparseBuild(),
    timing:
      'paired (alternating) runs; speedups are medians of per-pair ratios of process CPU time (wall-time ratios in the rows)',
    e2eExecution:
      'e2e goals: dense and sparse models both run through compileSparse (layer ops in one tf.tidy); model.predict rows beside them',
    e2eModel:
      "e2e_signs_*: the traffic-sign architecture with its initial (untrained) weights, every Dense/Conv2D kernel pruned to 90% by magnitude, no fine-tuning; the example's results.json reports its trained, fine-tuned model under sparse_e2e_*",
    loadavgAtStart,
    loadavgAtEnd: loadavg(),
  }),
  rows: [
    ...kernelRows.map((r) => ({ ...r })),
    ...ortRows.map((r) => ({
      shape: SHAPES[0].name,
      format: `onnxruntime dense (${r.threads} threads) vs prunekit csr 90%`,
      ortMs: r.ms,
      prunekitCsr90Ms: r.oursMs,
      timeOverOrtWall: r.oursOverOrt,
      ortCpuMs: r.ortCpuMs,
      prunekitCsr90CpuMs: r.oursCpuMs,
      timeOverOrtCpu: r.oursOverOrtCpu,
      maxAbsDiffVsPrunekit: r.maxAbsDiff,
    })),
    ...e2e.rows,
  ],
  goals,
});
