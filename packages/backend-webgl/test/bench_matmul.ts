/**
 * Dense vs sparse matMul timing that runs anywhere tfjs runs (Node or a browser page; no Node
 * imports): S [1024, 1024] pruned three ways times x [1024, 256] on the ACTIVE backend. Every
 * figure is a median over interleaved repetitions, dense and sparse timed in the same loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Rng, createRng, median } from '@prunekit/core';
import { type FormatSpec, sparseFromDense, sparseMatMul, toSparseTensors } from '@prunekit/sparse';

export interface MatMulPattern {
  readonly name: string;
  readonly spec: FormatSpec;
  /** Fraction of S pruned. */
  readonly sparsity: number;
}

export const PATTERNS: readonly MatMulPattern[] = [
  { name: 'unstructured 90%', spec: { format: 'csr' }, sparsity: 0.9 },
  { name: 'block 4x1 90%', spec: { format: 'bsr', blockShape: [4, 1] }, sparsity: 0.9 },
  { name: '2:4', spec: { format: 'nm', n: 2, m: 4 }, sparsity: 0.5 },
];

export interface MatMulBenchRow {
  readonly pattern: string;
  readonly format: string;
  readonly sparsity: number;
  readonly shape: string;
  readonly reps: number;
  /** Products per timed sample (waits for the last one only): more than 1 on fast GPUs. */
  readonly batch: number;
  readonly dense_ms: number;
  readonly sparse_ms: number;
  /** dense_ms / sparse_ms, both medians of the same interleaved loop. */
  readonly speedup: number;
  /** Largest |sparse - dense| over the output (both on this backend). */
  readonly max_abs_diff: number;
}

function pruned(rng: Rng, rows: number, cols: number, p: MatMulPattern): Float32Array {
  const d = new Float32Array(rows * cols);
  const spec = p.spec;
  if (spec.format === 'nm') {
    for (let r = 0; r < rows; r++)
      for (let g = 0; g < cols / spec.m; g++) {
        const keep = rng.shuffle(Array.from({ length: spec.m }, (_, k) => k)).slice(0, spec.n);
        for (const k of keep) d[r * cols + g * spec.m + k] = rng.normal();
      }
    return d;
  }
  const [br, bc] = spec.format === 'bsr' ? spec.blockShape : [1, 1];
  for (let bi = 0; bi < rows / br; bi++)
    for (let bj = 0; bj < cols / bc; bj++) {
      if (rng.next() < p.sparsity) continue;
      for (let a = 0; a < br; a++)
        for (let b = 0; b < bc; b++) d[(bi * br + a) * cols + bj * bc + b] = rng.normal();
    }
  return d;
}

/**
 * Wall time of one product, in ms: runs `f` `batch` times back to back and waits only for the last
 * result, so a GPU queue is not drained after every product (per-product time = total / batch).
 */
async function timed(f: () => tf.Tensor, batch = 1): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < batch - 1; i++) f().dispose();
  const y = f();
  await y.data();
  const ms = performance.now() - t0;
  y.dispose();
  return ms / batch;
}

/**
 * Times dense tf.matMul against sparseMatMul for each pattern on the active backend. Dense cost
 * does not depend on the values, so one dense product is timed per repetition, interleaved with
 * the three sparse ones; the warm-up round runs each pattern's own dense product once and records
 * how far the sparse result is from it. On a fast GPU each sample is a batch of products (see
 * `timed`), the same batch for dense and sparse.
 */
export async function benchMatMul(opts: {
  reps: number;
  m?: number;
  k?: number;
  n?: number;
  seed?: number;
}): Promise<MatMulBenchRow[]> {
  const m = opts.m ?? 1024;
  const k = opts.k ?? 1024;
  const n = opts.n ?? 256;
  const rng = createRng(opts.seed ?? 11);
  const x = tf.tensor2d(
    Float32Array.from({ length: k * n }, () => rng.normal()),
    [k, n],
  );
  const ops = PATTERNS.map((p) => {
    const dense = pruned(rng, m, k, p);
    return { p, sd: tf.tensor2d(dense, [m, k]), st: toSparseTensors(sparseFromDense(dense, [m, k], p.spec)) };
  });
  try {
    const diffs: number[] = [];
    for (const { sd, st } of ops) {
      const yd = tf.matMul(sd, x);
      const ys = sparseMatMul(st, x, { xLayout: 'kn' });
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(yd, ys))));
      diffs.push((await d.data())[0]);
      tf.dispose([yd, ys, d]);
    }
    // Where one dense product takes under ~50 ms (a real GPU), batch enough products per sample
    // that the read-back of the last one is not the whole figure; dense and sparse share the batch.
    const single = await timed(() => tf.matMul(ops[0].sd, x));
    const batch = Math.max(1, Math.min(20, Math.floor(50 / Math.max(single, 1e-3))));
    const td: number[] = [];
    const ts: number[][] = ops.map(() => []);
    for (let i = 0; i < opts.reps; i++) {
      td.push(await timed(() => tf.matMul(ops[0].sd, x), batch));
      for (let q = 0; q < ops.length; q++)
        ts[q].push(await timed(() => sparseMatMul(ops[q].st, x, { xLayout: 'kn' }), batch));
    }
    const denseMs = median(td);
    return ops.map(({ p }, q) => ({
      pattern: p.name,
      format: p.spec.format,
      sparsity: p.sparsity,
      shape: `${m}x${k}·${k}x${n}`,
      reps: opts.reps,
      batch,
      dense_ms: denseMs,
      sparse_ms: median(ts[q]),
      speedup: denseMs / median(ts[q]),
      max_abs_diff: diffs[q],
    }));
  } finally {
    x.dispose();
    for (const { sd, st } of ops) {
      sd.dispose();
      st.dispose();
    }
  }
}
