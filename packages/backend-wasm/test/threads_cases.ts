// Seeded random sparse cases for the thread tests: matMuls in both layouts and convs, every format.
import { type Rng, createRng } from '@prunekit/core';
import {
  type FormatSpec,
  type FusedActivation,
  sparseConv2d,
  sparseFromDense,
  sparseMatMul,
  toSparseTensors,
} from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';

export interface ThreadCase {
  label: string;
  /** Runs the op once and returns its values (all tensors disposed). */
  run(): Float32Array;
  dispose(): void;
}

const SPECS: FormatSpec[] = [
  { format: 'csr' },
  { format: 'bsr', blockShape: [4, 1] },
  { format: 'bsr', blockShape: [2, 2] },
  { format: 'nm', n: 2, m: 4 },
];
const ACTS: FusedActivation[] = ['linear', 'relu', 'relu6'];

/** Dense [rows, cols] with about `sparsity` zeros, or for N:M exactly n kept of every m. */
function weights(rng: Rng, spec: FormatSpec, rows: number, cols: number, sparsity: number): Float32Array {
  const w = Float32Array.from({ length: rows * cols }, () => (rng.next() < sparsity ? 0 : rng.normal()));
  if (spec.format !== 'nm') return w;
  for (let g = 0; g < w.length; g += spec.m) {
    const keep = rng.shuffle(Array.from({ length: spec.m }, (_, i) => i)).slice(0, spec.n);
    for (let j = 0; j < spec.m; j++) w[g + j] = keep.includes(j) ? rng.normal() || 1 : 0;
  }
  return w;
}

const dims = (spec: FormatSpec): [number, number] =>
  spec.format === 'bsr'
    ? [spec.blockShape[0], spec.blockShape[1]]
    : spec.format === 'nm'
      ? [1, spec.m]
      : [1, 1];

function operand(rng: Rng, spec: FormatSpec, rows: number, cols: number, withBias: boolean) {
  const s = toSparseTensors(
    sparseFromDense(weights(rng, spec, rows, cols, 0.3 + 0.65 * rng.next()), [rows, cols], spec),
  );
  const bias = withBias ? tf.tensor1d(Float32Array.from({ length: rows }, () => rng.normal())) : undefined;
  return {
    s,
    bias,
    dispose() {
      s.dispose();
      bias?.dispose();
    },
  };
}

function matMulCase(rng: Rng, spec: FormatSpec, layout: 'kn' | 'nk'): ThreadCase {
  const [r, c] = dims(spec);
  const rows = r * (1 + rng.int(40));
  const cols = c * (1 + rng.int(48));
  const n = 1 + rng.int(90);
  const op = operand(rng, spec, rows, cols, rng.next() < 0.6);
  const x = tf.randomUniform(
    layout === 'kn' ? [cols, n] : [n, cols],
    -1,
    1,
    'float32',
    rng.int(1e6),
  ) as tf.Tensor2D;
  const activation = ACTS[rng.int(ACTS.length)];
  return makeCase(
    `matMul ${layout} ${spec.format} [${rows}x${cols}] n=${n} ${activation}${op.bias ? ' +bias' : ''}`,
    () => sparseMatMul(op.s, x, { xLayout: layout, bias: op.bias, activation }),
    [op, x],
  );
}

function convCase(rng: Rng, spec: FormatSpec, k: number): ThreadCase {
  const [r, c] = dims(spec);
  const cout = r * (1 + rng.int(12));
  const cin = c * (1 + rng.int(8));
  const [h, w] = [k + rng.int(14), k + rng.int(14)];
  const batch = 1 + rng.int(2);
  const padding = k === 1 || rng.next() < 0.5 ? 'valid' : 'same';
  const dilations = k > 1 && rng.next() < 0.3 ? 2 : 1;
  const pool = k > 1 && rng.next() < 0.3 ? 2 : 1;
  const op = operand(rng, spec, cout, k * k * cin, rng.next() < 0.6);
  const x = tf.randomUniform([batch, h, w, cin], -1, 1, 'float32', rng.int(1e6)) as tf.Tensor4D;
  const activation = ACTS[rng.int(ACTS.length)];
  return makeCase(
    `conv ${k}x${k} ${spec.format} ${batch}x${h}x${w}x${cin}→${cout} ${padding} d${dilations} pool${pool}`,
    () => sparseConv2d(x, op.s, { filterSize: [k, k], padding, dilations, pool, bias: op.bias, activation }),
    [op, x],
  );
}

/** A case from its label, its op and the tensors it owns: run() returns values, disposing the output. */
function makeCase(label: string, op: () => tf.Tensor, owned: { dispose(): void }[]): ThreadCase {
  return {
    label,
    run() {
      const y = op();
      const v = y.dataSync() as Float32Array;
      y.dispose();
      return v;
    },
    dispose() {
      for (const t of owned) t.dispose();
    },
  };
}

/** `perKind` cases of each kind and format, from one seed. */
export function threadCases(seed: number, perKind: number): ThreadCase[] {
  const rng = createRng(seed);
  const cases: ThreadCase[] = [];
  for (const spec of SPECS) {
    for (let i = 0; i < perKind; i++) {
      cases.push(matMulCase(rng, spec, 'kn'), matMulCase(rng, spec, 'nk'));
      cases.push(convCase(rng, spec, 1), convCase(rng, spec, 3));
    }
  }
  return cases;
}
