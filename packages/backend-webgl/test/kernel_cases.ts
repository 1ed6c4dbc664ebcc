/**
 * Sparse kernel conformance cases that run anywhere tfjs runs: in vitest, in a benchmark, and
 * bundled into a browser page (so: no vitest imports here). Each case builds a pruned dense matrix
 * from a seeded RNG, runs the sparse op on the ACTIVE backend and compares it with a float64
 * dense reference computed in plain JS from the same dense matrix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Rng, createRng } from '@prunekit/core';
import {
  type FormatSpec,
  type FusedActivation,
  fromKernel,
  sparseConv2d,
  sparseFromDense,
  sparseMatMul,
  toSparseTensors,
} from '@prunekit/sparse';

export interface CaseResult {
  readonly name: string;
  readonly maxAbsDiff: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface ConformanceRun {
  readonly backend: string;
  readonly results: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  /** Tensors left behind by the whole run (must be 0). */
  readonly leaked: number;
}

interface MatMulCase {
  kind: 'matmul';
  name: string;
  rows: number;
  cols: number;
  n: number;
  spec: FormatSpec;
  density: number;
  layout: 'kn' | 'nk';
  bias: boolean;
  activation: FusedActivation;
}

interface ConvCase {
  kind: 'conv';
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  spec: FormatSpec;
  density: number;
  strides: number | [number, number];
  dilations: number;
  padding: 'same' | 'valid' | [number, number, number, number];
  /** Fused max-pool window ('valid', stride = window); absent: none. */
  pool?: [number, number];
  bias: boolean;
  activation: FusedActivation;
}

export type KernelCase = MatMulCase | ConvCase;

const FORMATS: { label: string; spec: FormatSpec }[] = [
  { label: 'csr', spec: { format: 'csr' } },
  { label: 'bsr4x1', spec: { format: 'bsr', blockShape: [4, 1] } },
  { label: 'bsr2x2', spec: { format: 'bsr', blockShape: [2, 2] } },
  { label: 'nm2:4', spec: { format: 'nm', n: 2, m: 4 } },
];
// Block shapes of test-utils' kernel conformance suite, for the shapes that fit them.
const MORE_BLOCKS: { label: string; spec: FormatSpec }[] = [
  { label: 'bsr8x1', spec: { format: 'bsr', blockShape: [8, 1] } },
  { label: 'bsr2x3', spec: { format: 'bsr', blockShape: [2, 3] } },
];
const ACTS: FusedActivation[] = ['linear', 'relu', 'relu6'];

/** The case list: every format × layout for SpMM, and 1x1 / k×k (strided, dilated, padded) convs. */
export function kernelCases(): KernelCase[] {
  const cases: KernelCase[] = [];
  let i = 0;
  for (const { label, spec } of FORMATS) {
    for (const layout of ['kn', 'nk'] as const) {
      const activation = ACTS[i % 3];
      const bias = i % 2 === 0;
      cases.push({
        kind: 'matmul',
        name: `matmul ${label} ${layout} ${activation}${bias ? ' +bias' : ''}`,
        rows: 24,
        cols: 32,
        n: 10,
        spec,
        density: 0.3,
        layout,
        bias,
        activation,
      });
      i++;
    }
    // N a multiple of 4: the WGSL kernel's vec4 path.
    cases.push({
      kind: 'matmul',
      name: `matmul ${label} kn N=16 relu`,
      rows: 24,
      cols: 32,
      n: 16,
      spec,
      density: 0.3,
      layout: 'kn',
      bias: true,
      activation: 'relu',
    });
  }
  // Rows without any stored entry (very sparse) must give bias/activation only; all-zero weights
  // too; batch 1 (N = 1) in both layouts.
  cases.push({
    kind: 'matmul',
    name: 'matmul csr empty rows kn +bias',
    rows: 16,
    cols: 40,
    n: 7,
    spec: { format: 'csr' },
    density: 0.03,
    layout: 'kn',
    bias: true,
    activation: 'linear',
  });
  cases.push({
    kind: 'matmul',
    name: 'matmul csr all-zero +bias relu',
    rows: 16,
    cols: 12,
    n: 9,
    spec: { format: 'csr' },
    density: 0,
    layout: 'kn',
    bias: true,
    activation: 'relu',
  });
  cases.push({
    kind: 'matmul',
    name: 'matmul nm2:4 N=1 kn',
    rows: 13,
    cols: 36,
    n: 1,
    spec: { format: 'nm', n: 2, m: 4 },
    density: 0.3,
    layout: 'kn',
    bias: false,
    activation: 'linear',
  });
  cases.push({
    kind: 'matmul',
    name: 'matmul csr N=1 nk +bias relu',
    rows: 19,
    cols: 40,
    n: 1,
    spec: { format: 'csr' },
    density: 0.3,
    layout: 'nk',
    bias: true,
    activation: 'relu',
  });
  for (const { label, spec } of MORE_BLOCKS) {
    cases.push({
      kind: 'matmul',
      name: `matmul ${label} kn N=12 +bias`,
      rows: 24,
      cols: 36,
      n: 12,
      spec,
      density: 0.3,
      layout: 'kn',
      bias: true,
      activation: 'linear',
    });
    cases.push({
      kind: 'matmul',
      name: `matmul ${label} nk N=5 relu6`,
      rows: 16,
      cols: 30,
      n: 5,
      spec,
      density: 0.3,
      layout: 'nk',
      bias: false,
      activation: 'relu6',
    });
  }
  const convs: Omit<ConvCase, 'kind' | 'name' | 'spec' | 'bias' | 'activation'>[] = [
    { x: [2, 6, 6, 8], filter: [1, 1, 8, 12], density: 0.3, strides: 1, dilations: 1, padding: 'valid' },
    { x: [1, 7, 7, 4], filter: [3, 3, 4, 8], density: 0.3, strides: 1, dilations: 1, padding: 'same' },
    { x: [1, 9, 8, 4], filter: [3, 3, 4, 8], density: 0.4, strides: 2, dilations: 1, padding: 'same' },
    { x: [1, 9, 9, 4], filter: [3, 3, 4, 4], density: 0.5, strides: 1, dilations: 2, padding: 'valid' },
    {
      x: [2, 8, 9, 4],
      filter: [3, 3, 4, 8],
      density: 0.3,
      strides: 1,
      dilations: 1,
      padding: 'same',
      pool: [2, 2],
    },
    {
      x: [1, 7, 9, 4],
      filter: [3, 3, 4, 8],
      density: 0.3,
      strides: 1,
      dilations: 1,
      padding: 'valid',
      pool: [3, 2],
    },
    {
      x: [1, 7, 9, 4],
      filter: [2, 3, 4, 8],
      density: 0.3,
      strides: [1, 2],
      dilations: 1,
      padding: [1, 0, 2, 1],
    },
  ];
  for (const c of convs) {
    for (const { label, spec } of FORMATS) {
      const activation = ACTS[i % 3];
      const bias = i % 2 === 1;
      const [kh, kw, , cout] = c.filter;
      const pool = c.pool ? ` pool${c.pool.join('x')}` : '';
      const name = `conv ${kh}x${kw} s${c.strides} d${c.dilations} ${c.padding}${pool} ${label} ${activation}${bias ? ' +bias' : ''} (${cout} out)`;
      cases.push({ kind: 'conv', name, spec, bias, activation, ...c });
      i++;
    }
  }
  for (const { label, spec } of MORE_BLOCKS) {
    cases.push({
      kind: 'conv',
      name: `conv 3x3 same pool2x2 ${label} relu +bias (8 out)`,
      x: [1, 8, 8, 6],
      filter: [3, 3, 6, 8],
      spec,
      density: 0.4,
      strides: 1,
      dilations: 1,
      padding: 'same',
      pool: [2, 2],
      bias: true,
      activation: 'relu',
    });
  }
  return cases;
}

/** A random [rows, cols] matrix pruned to the format's pattern at about `density`. */
function prunedMatrix(rng: Rng, rows: number, cols: number, spec: FormatSpec, density: number): Float32Array {
  const d = new Float32Array(rows * cols);
  if (spec.format === 'nm') {
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < cols / spec.m; g++) {
        const keep = rng.shuffle(Array.from({ length: spec.m }, (_, k) => k)).slice(0, spec.n);
        for (const k of keep) d[r * cols + g * spec.m + k] = rng.normal();
      }
    }
    return d;
  }
  const [br, bc] = spec.format === 'bsr' ? spec.blockShape : [1, 1];
  for (let bi = 0; bi < rows / br; bi++) {
    for (let bj = 0; bj < cols / bc; bj++) {
      if (rng.next() >= density) continue;
      for (let a = 0; a < br; a++)
        for (let b = 0; b < bc; b++) d[(bi * br + a) * cols + bj * bc + b] = rng.normal();
    }
  }
  return d;
}

function act(v: number, a: FusedActivation): number {
  return a === 'relu' ? Math.max(v, 0) : a === 'relu6' ? Math.min(Math.max(v, 0), 6) : v;
}

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Float64 dense reference of act(S·x + b) or act(x·Sᵀ + b). */
function refMatMul(
  c: MatMulCase,
  s: Float32Array,
  x: Float32Array,
  bias: Float32Array | undefined,
): Float64Array {
  const out = new Float64Array(c.rows * c.n);
  for (let r = 0; r < c.rows; r++) {
    for (let j = 0; j < c.n; j++) {
      let acc = bias ? bias[r] : 0;
      for (let k = 0; k < c.cols; k++)
        acc += s[r * c.cols + k] * (c.layout === 'kn' ? x[k * c.n + j] : x[j * c.cols + k]);
      out[c.layout === 'kn' ? r * c.n + j : j * c.rows + r] = act(acc, c.activation);
    }
  }
  return out;
}

/** Float64 dense NHWC conv reference with tfjs's 'same'/'valid' padding arithmetic, then the max-pool. */
function refConv(
  c: ConvCase,
  w: Float32Array,
  x: Float32Array,
  bias: Float32Array | undefined,
): { out: Float64Array; shape: number[] } {
  const [batch, inH, inW, cin] = c.x;
  const [kh, kw, , cout] = c.filter;
  const [sy, sx] = typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides;
  const dl = c.dilations;
  const effH = (kh - 1) * dl + 1;
  const effW = (kw - 1) * dl + 1;
  let outH: number;
  let outW: number;
  let padT = 0;
  let padL = 0;
  if (c.padding === 'same') {
    outH = Math.ceil(inH / sy);
    outW = Math.ceil(inW / sx);
    padT = Math.floor(Math.max(0, (outH - 1) * sy + effH - inH) / 2);
    padL = Math.floor(Math.max(0, (outW - 1) * sx + effW - inW) / 2);
  } else if (c.padding === 'valid') {
    outH = Math.ceil((inH - effH + 1) / sy);
    outW = Math.ceil((inW - effW + 1) / sx);
  } else {
    const [t, b, l, r] = c.padding;
    padT = t;
    padL = l;
    outH = Math.floor((inH + t + b - effH) / sy) + 1;
    outW = Math.floor((inW + l + r - effW) / sx) + 1;
  }
  const conv = new Float64Array(batch * outH * outW * cout);
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let co = 0; co < cout; co++) {
          let acc = bias ? bias[co] : 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sy - padT + ky * dl;
              const ix = ox * sx - padL + kx * dl;
              if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
              for (let ci = 0; ci < cin; ci++) {
                acc += w[((ky * kw + kx) * cin + ci) * cout + co] * x[((b * inH + iy) * inW + ix) * cin + ci];
              }
            }
          conv[((b * outH + oy) * outW + ox) * cout + co] = act(acc, c.activation);
        }
  const [ph, pw] = c.pool ?? [1, 1];
  const [oh, ow] = [Math.floor(outH / ph), Math.floor(outW / pw)];
  const out = new Float64Array(batch * oh * ow * cout);
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++)
        for (let co = 0; co < cout; co++) {
          let m = Number.NEGATIVE_INFINITY;
          for (let dy = 0; dy < ph; dy++)
            for (let dx = 0; dx < pw; dx++)
              m = Math.max(m, conv[((b * outH + y * ph + dy) * outW + xx * pw + dx) * cout + co]);
          out[((b * oh + y) * ow + xx) * cout + co] = m;
        }
  return { out, shape: [batch, oh, ow, cout] };
}

function maxDiff(got: Float32Array | Int32Array | Uint8Array, want: Float64Array): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}

async function runCase(c: KernelCase, rng: Rng): Promise<number> {
  if (c.kind === 'matmul') {
    const dense = prunedMatrix(rng, c.rows, c.cols, c.spec, c.density);
    const xv = randn(rng, c.cols * c.n);
    const bv = c.bias ? randn(rng, c.rows) : undefined;
    const want = refMatMul(c, dense, xv, bv);
    const st = toSparseTensors(sparseFromDense(dense, [c.rows, c.cols], c.spec));
    const x = tf.tensor2d(xv, c.layout === 'kn' ? [c.cols, c.n] : [c.n, c.cols]);
    const bias = bv ? tf.tensor1d(bv) : undefined;
    try {
      const y = sparseMatMul(st, x, { xLayout: c.layout, bias, activation: c.activation });
      const got = await y.data();
      y.dispose();
      return maxDiff(got, want);
    } finally {
      st.dispose();
      tf.dispose([x, ...(bias ? [bias] : [])]);
    }
  }
  const [kh, kw, cin, cout] = c.filter;
  // Prune the conv filter in its [out, kh·kw·in] row form, then lay it back out as [kh, kw, in, out].
  const rowsForm = prunedMatrix(rng, cout, kh * kw * cin, c.spec, c.density);
  const w = new Float32Array(rowsForm.length);
  const rest = kh * kw * cin;
  for (let o = 0; o < cout; o++) for (let i = 0; i < rest; i++) w[i * cout + o] = rowsForm[o * rest + i];
  const xv = randn(
    rng,
    c.x.reduce((a, b) => a * b, 1),
  );
  const bv = c.bias ? randn(rng, cout) : undefined;
  const want = refConv(c, w, xv, bv);
  const st = toSparseTensors(fromKernel(w, c.filter, c.spec));
  const x = tf.tensor4d(xv, c.x);
  const bias = bv ? tf.tensor1d(bv) : undefined;
  try {
    const y = sparseConv2d(x, st, {
      filterSize: [kh, kw],
      strides: typeof c.strides === 'number' ? c.strides : [c.strides[0], c.strides[1]],
      dilations: c.dilations,
      padding: c.padding,
      pool: c.pool,
      bias,
      activation: c.activation,
    });
    const shapeOk = y.shape.join() === want.shape.join();
    const got = await y.data();
    y.dispose();
    return shapeOk ? maxDiff(got, want.out) : Number.POSITIVE_INFINITY;
  } finally {
    st.dispose();
    tf.dispose([x, ...(bias ? [bias] : [])]);
  }
}

/**
 * Runs every case on the active tfjs backend. Never throws for a failing case: each result says
 * what happened, so a browser page can report all of them at once.
 */
export async function runKernelConformance(
  opts: { tolerance?: number; seed?: number; filter?: (c: KernelCase) => boolean } = {},
): Promise<ConformanceRun> {
  const tolerance = opts.tolerance ?? 1e-4;
  const rng = createRng(opts.seed ?? 2024);
  const before = tf.memory().numTensors;
  const results: CaseResult[] = [];
  for (const c of kernelCases().filter(opts.filter ?? (() => true))) {
    try {
      const d = await runCase(c, rng.fork());
      results.push({ name: c.name, maxAbsDiff: d, ok: d <= tolerance });
    } catch (e) {
      results.push({
        name: c.name,
        maxAbsDiff: Number.POSITIVE_INFINITY,
        ok: false,
        error: String((e as Error).message ?? e),
      });
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return {
    backend: tf.getBackend(),
    results,
    passed,
    failed: results.length - passed,
    leaked: tf.memory().numTensors - before,
  };
}
