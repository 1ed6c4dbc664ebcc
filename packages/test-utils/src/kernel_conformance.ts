import { createRng, type Rng } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

/** Format specs in @prunekit/sparse's FormatSpec shape. */
export type KernelFormatSpec =
  | { format: 'csr' }
  | { format: 'bsr'; blockShape: readonly [number, number] }
  | { format: 'nm'; n: number; m: number };

interface SparseOperand {
  readonly attrs: { rows: number; cols: number };
  dispose(): void;
}
type Act = 'linear' | 'relu' | 'relu6';

/**
 * The sparse API under test, passed in as values (so test-utils need not depend on the sparse
 * package): build a format from a dense row-major matrix, upload it, and run the two ops.
 */
export interface SparseKernelApi {
  sparseFromDense(dense: Float32Array, shape: readonly number[], spec: KernelFormatSpec): unknown;
  toSparseTensors(matrix: never): SparseOperand;
  sparseMatMul(
    s: SparseOperand,
    x: tf.Tensor2D,
    opts: { xLayout?: 'kn' | 'nk'; bias?: tf.Tensor1D; activation?: Act },
  ): tf.Tensor2D;
  sparseConv2d(
    x: tf.Tensor4D,
    s: SparseOperand,
    opts: {
      filterSize: readonly [number, number];
      strides?: readonly [number, number];
      padding?: 'same' | 'valid' | readonly [number, number, number, number];
      dilations?: readonly [number, number];
      bias?: tf.Tensor1D;
      activation?: Act;
      pool?: readonly [number, number];
    },
  ): tf.Tensor4D;
}

export interface KernelConformanceOptions {
  /** Makes `backend` active (and registers its kernels). */
  readonly setup: () => Promise<void>;
  readonly formats?: readonly KernelFormatSpec[];
  readonly seed?: number;
  /** Largest allowed max relative error (default 1e-5). */
  readonly tolerance?: number;
  /** Include the fused max-pool cases of SparseConv2D (its `pool` attribute; default true). */
  readonly pool?: boolean;
  /** Suite title suffix when one backend runs the cases more than once (e.g. another kernel build). */
  readonly label?: string;
}

export const DEFAULT_KERNEL_FORMATS: readonly KernelFormatSpec[] = [
  { format: 'csr' },
  { format: 'bsr', blockShape: [4, 1] },
  { format: 'bsr', blockShape: [8, 1] },
  { format: 'bsr', blockShape: [2, 3] },
  { format: 'nm', n: 2, m: 4 },
];

type Pattern = 'random' | 'emptyRows' | 'allZero' | 'single';

const specName = (s: KernelFormatSpec) =>
  s.format === 'bsr'
    ? `bsr ${s.blockShape[0]}x${s.blockShape[1]}`
    : s.format === 'nm'
      ? `${s.n}:${s.m}`
      : 'csr';
const rowUnit = (s: KernelFormatSpec) => (s.format === 'bsr' ? s.blockShape[0] : 1);
const colUnit = (s: KernelFormatSpec) => (s.format === 'bsr' ? s.blockShape[1] : s.format === 'nm' ? s.m : 1);

/** A dense [rows, cols] matrix whose zeros follow the format's structure. */
function sparseWeights(
  rows: number,
  cols: number,
  spec: KernelFormatSpec,
  density: number,
  pattern: Pattern,
  rng: Rng,
): Float32Array {
  const w = new Float32Array(rows * cols);
  if (pattern === 'allZero' || rows * cols === 0) return w;
  if (pattern === 'single') {
    w[rng.int(rows * cols)] = rng.normal() || 1;
    return w;
  }
  const r = rowUnit(spec);
  const c = colUnit(spec);
  const emptyRow = (row: number) => pattern === 'emptyRows' && Math.floor(row / r) % 3 !== 1;
  if (spec.format === 'nm') {
    for (let row = 0; row < rows; row++) {
      if (emptyRow(row)) continue;
      for (let g = 0; g < cols / spec.m; g++) {
        const picks = rng.shuffle(Array.from({ length: spec.m }, (_, i) => i)).slice(0, spec.n);
        for (const j of picks) w[row * cols + g * spec.m + j] = rng.normal();
      }
    }
    return w;
  }
  for (let bi = 0; bi < rows / r; bi++) {
    for (let bj = 0; bj < cols / c; bj++) {
      if (emptyRow(bi * r) || rng.next() >= density) continue;
      for (let i = 0; i < r; i++)
        for (let j = 0; j < c; j++) w[(bi * r + i) * cols + bj * c + j] = rng.normal();
    }
  }
  return w;
}

const activate = (v: number, a: Act) =>
  a === 'relu' ? Math.max(v, 0) : a === 'relu6' ? Math.min(Math.max(v, 0), 6) : v;

function randomArray(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() * 2 - 1;
  return a;
}

/** max |got − want| / max(1, |want|) */
export function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let e = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (!(d <= e)) e = Number.isNaN(d) ? Infinity : d;
  }
  return e;
}

interface MatMulCase {
  label: string;
  rows: number;
  cols: number;
  n: number;
  layout: 'kn' | 'nk';
  pattern: Pattern;
  density: number;
  bias: boolean;
  activation: Act;
}

interface ConvCase {
  label: string;
  batch: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: 'same' | 'valid' | [number, number, number, number];
  /** Fused max-pool window ([1, 1]: none). */
  pool: [number, number];
  pattern: Pattern;
  density: number;
  activation: Act;
}

function matMulCases(spec: KernelFormatSpec, rng: Rng): MatMulCase[] {
  const r = rowUnit(spec);
  const c = colUnit(spec);
  const dims = (rowsIn: number, colsIn: number) => [
    Math.max(r, Math.ceil(rowsIn / r) * r),
    Math.max(c, Math.ceil(colsIn / c) * c),
  ];
  const base = (
    label: string,
    rows0: number,
    cols0: number,
    n: number,
    extra: Partial<MatMulCase> = {},
  ): MatMulCase => {
    const [rows, cols] = dims(rows0, cols0);
    return {
      label,
      rows,
      cols,
      n,
      layout: 'kn',
      pattern: 'random',
      density: 0.3,
      bias: false,
      activation: 'linear',
      ...extra,
    };
  };
  const cases = [
    base('batch 1 (N = 1)', 13, 37, 1),
    base('odd N with every column tail', 21, 45, 47, { density: 0.1, bias: true }),
    base('empty rows', 24, 20, 12, { pattern: 'emptyRows' }),
    base('all-zero weights', 16, 12, 9, { pattern: 'allZero', bias: true, activation: 'relu' }),
    base('a single nonzero', 17, 29, 33, { pattern: 'single' }),
    base("'nk' layout, batch 1, bias + relu", 19, 40, 1, { layout: 'nk', bias: true, activation: 'relu' }),
    base("'nk' layout, batch 6, relu6", 11, 24, 6, { layout: 'nk', bias: true, activation: 'relu6' }),
    // Long rows: kernels that walk K in slices (N:M) cross several slice boundaries.
    base('long rows, bias + relu', 9, 300, 35, { density: 0.3, bias: true, activation: 'relu' }),
    base("long rows, 'nk' layout", 6, 520, 20, { layout: 'nk', density: 0.3, bias: true }),
  ];
  for (let i = 0; i < 3; i++) {
    cases.push(
      base(`fuzz ${i}`, 1 + rng.int(40), 1 + rng.int(70), 1 + rng.int(70), {
        density: 0.05 + rng.next() * 0.6,
        layout: rng.next() < 0.5 ? 'kn' : 'nk',
        bias: rng.next() < 0.5,
      }),
    );
  }
  return cases;
}

function convCases(spec: KernelFormatSpec): ConvCase[] {
  const r = rowUnit(spec);
  const cin = spec.format === 'csr' ? 5 : 12;
  const cout = Math.max(r, 8);
  const base = (label: string, extra: Partial<ConvCase>): ConvCase => ({
    label,
    batch: 1,
    h: 7,
    w: 9,
    cin,
    cout,
    k: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'same',
    pool: [1, 1],
    pattern: 'random',
    density: 0.3,
    activation: 'linear',
    ...extra,
  });
  return [
    base('1x1 direct, batch 1, relu', { k: [1, 1], padding: 'valid', activation: 'relu' }),
    base('1x1 direct, batch 3 (189 pixels)', { k: [1, 1], padding: 'valid', batch: 3 }),
    base('1x1 same padding, stride 2', { k: [1, 1], padding: 'same', strides: [2, 2], h: 8, w: 9 }),
    base('3x3 same, batch 2', { batch: 2, h: 6, w: 5 }),
    base('3x3 valid, stride 2', { h: 9, w: 8, strides: [2, 2], padding: 'valid' }),
    base('3x3 same, dilation 2', { dilations: [2, 2], h: 8, w: 7 }),
    base('2x3 explicit pads, stride [1, 2]', { k: [2, 3], strides: [1, 2], padding: [1, 0, 2, 1] }),
    base('3x3 same + relu + fused 2x2 max-pool, batch 2', {
      batch: 2,
      h: 8,
      w: 9,
      activation: 'relu',
      pool: [2, 2],
    }),
    base('3x3 valid + fused 3x2 max-pool', { padding: 'valid', pool: [3, 2] }),
    base('3x3 all-zero weights', { pattern: 'allZero', activation: 'relu6' }),
    base('3x3 single nonzero, batch 3', { pattern: 'single', batch: 3 }),
  ];
}

function refMatMul(w: Float32Array, c: MatMulCase, x: Float32Array, bias?: Float32Array): Float64Array {
  const out = new Float64Array(c.rows * c.n);
  for (let m = 0; m < c.rows; m++) {
    for (let j = 0; j < c.n; j++) {
      let acc = bias ? bias[m] : 0;
      for (let k = 0; k < c.cols; k++)
        acc += w[m * c.cols + k] * x[c.layout === 'kn' ? k * c.n + j : j * c.cols + k];
      out[c.layout === 'kn' ? m * c.n + j : j * c.rows + m] = activate(acc, c.activation);
    }
  }
  return out;
}

function refConv(
  w: Float32Array,
  c: ConvCase,
  x: Float32Array,
  bias: Float32Array,
  pad: number[],
  ho: number,
  wo: number,
): Float64Array {
  const [kh, kw] = c.k;
  const out = new Float64Array(c.batch * ho * wo * c.cout);
  const cols = kh * kw * c.cin;
  for (let b = 0; b < c.batch; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++)
        for (let co = 0; co < c.cout; co++) {
          let acc = bias[co];
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const y = oy * c.strides[0] - pad[0] + ky * c.dilations[0];
              const xx = ox * c.strides[1] - pad[2] + kx * c.dilations[1];
              if (y < 0 || y >= c.h || xx < 0 || xx >= c.w) continue;
              for (let ci = 0; ci < c.cin; ci++) {
                acc +=
                  w[co * cols + (ky * kw + kx) * c.cin + ci] * x[((b * c.h + y) * c.w + xx) * c.cin + ci];
              }
            }
          out[((b * ho + oy) * wo + ox) * c.cout + co] = activate(acc, c.activation);
        }
  return out;
}

/** 'valid' max-pool with stride = window over an NHWC reference output (identity for [1, 1]). */
function maxPool(full: Float64Array, c: ConvCase, ho: number, wo: number): Float64Array {
  const [ph, pw] = c.pool;
  const [oh, ow] = [Math.floor(ho / ph), Math.floor(wo / pw)];
  const out = new Float64Array(c.batch * oh * ow * c.cout);
  for (let b = 0; b < c.batch; b++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let co = 0; co < c.cout; co++) {
          let m = -Infinity;
          for (let dy = 0; dy < ph; dy++)
            for (let dx = 0; dx < pw; dx++)
              m = Math.max(m, full[((b * ho + y * ph + dy) * wo + x * pw + dx) * c.cout + co]);
          out[((b * oh + y) * ow + x) * c.cout + co] = m;
        }
  return out;
}

/**
 * The sparse-kernel contract, run on one backend: every format's SparseMatMul and SparseConv2D
 * match a float64 dense reference within `tolerance` (max relative error) over seeded shapes —
 * odd sizes, empty rows, all-zero weights, a single nonzero, batch 1 and batch > 1 — leave no
 * tensors behind, and really ran on `backend`.
 */
export function describeSparseKernelConformance(
  backend: string,
  api: SparseKernelApi,
  opts: KernelConformanceOptions,
): void {
  const tol = opts.tolerance ?? 1e-5;
  const formats = opts.formats ?? DEFAULT_KERNEL_FORMATS;
  describe(`sparse kernel conformance on '${backend}'${opts.label ? ` (${opts.label})` : ''}`, () => {
    beforeAll(async () => {
      await opts.setup();
    });

    for (const spec of formats) {
      it(`SparseMatMul, ${specName(spec)}: matches the dense reference`, () => {
        expect(tf.getBackend()).toBe(backend);
        const rng = createRng((opts.seed ?? 7) + specName(spec).length);
        const errors: Record<string, number> = {};
        const before = tf.memory().numTensors;
        for (const c of matMulCases(spec, rng)) {
          const w = sparseWeights(c.rows, c.cols, spec, c.density, c.pattern, rng);
          const xs = randomArray(c.cols * c.n, rng);
          const bs = c.bias ? randomArray(c.rows, rng) : undefined;
          const s = api.toSparseTensors(api.sparseFromDense(w, [c.rows, c.cols], spec) as never);
          const x = tf.tensor2d(xs, c.layout === 'kn' ? [c.cols, c.n] : [c.n, c.cols]);
          const bias = bs ? tf.tensor1d(bs) : undefined;
          const y = api.sparseMatMul(s, x, { xLayout: c.layout, bias, activation: c.activation });
          const expectedShape = c.layout === 'kn' ? [c.rows, c.n] : [c.n, c.rows];
          errors[c.label] =
            y.shape.join() === expectedShape.join()
              ? maxRelativeError(y.dataSync(), refMatMul(w, c, xs, bs))
              : Infinity;
          tf.dispose([x, y, ...(bias ? [bias] : [])]);
          s.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
        expect(Object.entries(errors).filter(([, e]) => !(e <= tol))).toEqual([]);
      });

      it(`SparseConv2D, ${specName(spec)}: matches the dense reference`, () => {
        expect(tf.getBackend()).toBe(backend);
        const rng = createRng((opts.seed ?? 11) + 3 * specName(spec).length);
        const errors: Record<string, number> = {};
        const before = tf.memory().numTensors;
        for (const c of convCases(spec).filter(
          (k) => opts.pool !== false || (k.pool[0] === 1 && k.pool[1] === 1),
        )) {
          const cols = c.k[0] * c.k[1] * c.cin;
          const w = sparseWeights(c.cout, cols, spec, c.density, c.pattern, rng);
          const xs = randomArray(c.batch * c.h * c.w * c.cin, rng);
          const bs = randomArray(c.cout, rng);
          const s = api.toSparseTensors(api.sparseFromDense(w, [c.cout, cols], spec) as never);
          const x = tf.tensor4d(xs, [c.batch, c.h, c.w, c.cin]);
          const bias = tf.tensor1d(bs);
          const y = api.sparseConv2d(x, s, {
            filterSize: c.k,
            strides: c.strides,
            dilations: c.dilations,
            padding: c.padding,
            bias,
            activation: c.activation,
            pool: c.pool,
          });
          let pad: number[] = typeof c.padding === 'string' ? [] : [...c.padding];
          if (typeof c.padding === 'string') {
            const info = tf.backend_util.computeConv2DInfo(
              [c.batch, c.h, c.w, c.cin],
              [c.k[0], c.k[1], c.cin, c.cout],
              c.strides,
              c.dilations,
              c.padding,
            );
            pad = [info.padInfo.top, info.padInfo.bottom, info.padInfo.left, info.padInfo.right];
          }
          const ho =
            Math.floor((c.h + pad[0] + pad[1] - ((c.k[0] - 1) * c.dilations[0] + 1)) / c.strides[0]) + 1;
          const wo =
            Math.floor((c.w + pad[2] + pad[3] - ((c.k[1] - 1) * c.dilations[1] + 1)) / c.strides[1]) + 1;
          const full = refConv(w, c, xs, bs, pad, ho, wo);
          const [oh, ow] = [Math.floor(ho / c.pool[0]), Math.floor(wo / c.pool[1])];
          errors[c.label] =
            y.shape.join() === [c.batch, oh, ow, c.cout].join()
              ? maxRelativeError(y.dataSync(), maxPool(full, c, ho, wo))
              : Infinity;
          tf.dispose([x, y, bias]);
          s.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
        expect(Object.entries(errors).filter(([, e]) => !(e <= tol))).toEqual([]);
      });
    }
  });
}
