// The three benchmark shapes, each run dense on tfjs-wasm and sparse in every format, same run.
import type { Rng } from '@prunekit/core';
import {
  type FormatSpec,
  sparseConv2d,
  sparseFromDense,
  sparseMatMul,
  toSparseTensors,
} from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';
import { timePaired } from './paired.js';
import { prunedWeights } from './weights.js';

export interface Variant {
  label: string;
  spec: FormatSpec;
  sparsity: number;
}

export interface KernelRow {
  shape: string;
  format: string;
  sparsity: number;
  denseMs: number;
  sparseMs: number;
  /** Median per-pair wall-time ratio dense / sparse. */
  speedupWall: number;
  denseCpuMs: number;
  sparseCpuMs: number;
  /** Median per-pair CPU-time ratio dense / sparse (what the goals use). */
  speedup: number;
  maxRelErr: number;
}

export interface Shape {
  name: string;
  /** Sparse operand [rows, cols]. */
  rows: number;
  cols: number;
  kind: 'matmul' | 'conv';
  n?: number;
  conv?: { h: number; w: number; cin: number; k: number };
}

export const SHAPES: Shape[] = [
  { name: 'matmul 1024x1024·1024x256', kind: 'matmul', rows: 1024, cols: 1024, n: 256 },
  {
    name: 'conv1x1 56x56x128→128',
    kind: 'conv',
    rows: 128,
    cols: 128,
    conv: { h: 56, w: 56, cin: 128, k: 1 },
  },
  { name: 'conv3x3 28x28x64→64', kind: 'conv', rows: 64, cols: 576, conv: { h: 28, w: 28, cin: 64, k: 3 } },
];

function maxRel(
  got: Float32Array | Int32Array | Uint8Array,
  want: Float32Array | Int32Array | Uint8Array,
): number {
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
  return e / scale;
}

/** [rows, rest] row layout → [..., rows] layer kernel layout. */
function rowsToKernel(w: Float32Array, rows: number): Float32Array {
  const rest = w.length / rows;
  const k = new Float32Array(w.length);
  for (let o = 0; o < rows; o++) for (let i = 0; i < rest; i++) k[i * rows + o] = w[o * rest + i];
  return k;
}

/** Times the dense baseline once and every variant against it on one shape. */
export async function runShape(
  shape: Shape,
  variants: readonly Variant[],
  rng: Rng,
  reps: number,
): Promise<KernelRow[]> {
  const x =
    shape.kind === 'matmul'
      ? tf.randomUniform([shape.cols, shape.n ?? 1], -1, 1, 'float32', rng.int(1e6))
      : tf.randomUniform([1, shape.conv!.h, shape.conv!.w, shape.conv!.cin], -1, 1, 'float32', rng.int(1e6));
  const rows: KernelRow[] = [];
  const denseRun = (w: Float32Array) => {
    if (shape.kind === 'matmul') {
      const a = tf.tensor2d(w, [shape.rows, shape.cols]);
      return { run: () => tf.matMul(a, x as tf.Tensor2D), dispose: () => a.dispose() };
    }
    const { k, cin } = shape.conv!;
    const f = tf.tensor4d(rowsToKernel(w, shape.rows), [k, k, cin, shape.rows]);
    return { run: () => tf.conv2d(x as tf.Tensor4D, f, 1, 'same'), dispose: () => f.dispose() };
  };
  // Dense baseline: unpruned weights (XNNPACK's time does not depend on the zeros), timed
  // interleaved with each sparse variant.
  const baseline = denseRun(prunedWeights(shape.rows, shape.cols, { format: 'csr' }, 0, rng));
  for (const v of variants) {
    const w = prunedWeights(shape.rows, shape.cols, v.spec, v.sparsity, rng);
    const s = toSparseTensors(sparseFromDense(w, [shape.rows, shape.cols], v.spec));
    const run =
      shape.kind === 'matmul'
        ? () => sparseMatMul(s, x as tf.Tensor2D)
        : () =>
            sparseConv2d(x as tf.Tensor4D, s, {
              filterSize: [shape.conv!.k, shape.conv!.k],
              padding: 'same',
            });
    const t = await timePaired(
      () => baseline.run().dispose(),
      () => run().dispose(),
      reps,
    );
    const d = denseRun(w);
    const want = d.run();
    const got = run();
    const maxRelErr = maxRel(got.dataSync(), want.dataSync());
    tf.dispose([want, got]);
    d.dispose();
    s.dispose();
    rows.push({
      shape: shape.name,
      format: v.label,
      sparsity: v.sparsity,
      denseMs: t.aMs,
      sparseMs: t.bMs,
      speedupWall: t.ratio,
      denseCpuMs: t.aCpuMs,
      sparseCpuMs: t.bCpuMs,
      speedup: t.cpuRatio,
      maxRelErr,
    });
  }
  baseline.dispose();
  x.dispose();
  return rows;
}

/**
 * Lowest sparsity at which CSR is at least as fast as dense, by linear interpolation of speedup
 * over the measured sparsities (NaN when no measured point reaches 1).
 */
export function breakEven(points: readonly { sparsity: number; speedup: number }[]): number {
  const p = [...points].sort((a, b) => a.sparsity - b.sparsity);
  if (p.length === 0) return Number.NaN;
  if (p[0].speedup >= 1) return p[0].sparsity;
  for (let i = 1; i < p.length; i++) {
    if (p[i].speedup >= 1) {
      const [a, b] = [p[i - 1], p[i]];
      return a.sparsity + ((1 - a.speedup) / (b.speedup - a.speedup)) * (b.sparsity - a.sparsity);
    }
  }
  return Number.NaN;
}
