// A seeded random ONNX graph generator (NCHW CNN blocks: convs incl. depthwise, batch norm,
// activations, residual adds, squeeze-excite, concat, splits, pads, pools, resizes, reshapes,
// transposes, and Gemm / MatMul heads), written with the same onnx-proto binding the package uses.
import { createRng, type Rng } from '@prunekit/core';
import { encodeModel, onnx } from '../src/index.js';
import { type AttrValue, attributeProto, type TensorProto } from '../src/proto/onnx.js';
import { makeTensor } from '../src/proto/tensors.js';
import { RANDOM_ACTIVATIONS } from './op_lists.js';

const T = onnx.TensorProto.DataType;

export interface RandomOnnx {
  readonly bytes: Uint8Array;
  readonly inputShape: readonly number[];
  /** ONNX op types the graph uses. */
  readonly ops: readonly string[];
  /** Block kinds the graph was made of. */
  readonly blocks: readonly string[];
}

type Attr = AttrValue;
const attribute = attributeProto;

class Builder {
  readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  readonly inits: TensorProto[] = [];
  readonly ops = new Set<string>();
  private n = 0;
  constructor(readonly rng: Rng) {}
  name(p: string) {
    return `${p}_${this.n++}`;
  }
  /** A float initializer named `${prefix}_n` of shape `dims`, each value drawn by `draw`. */
  private floatInit(prefix: string, dims: number[], draw: () => number): string {
    const name = this.name(prefix);
    const size = dims.reduce((a, d) => a * d, 1);
    this.inits.push(makeTensor(name, T.FLOAT, dims, Float32Array.from({ length: size }, draw)));
    return name;
  }
  weight(dims: number[], scale = 1): string {
    return this.floatInit('w', dims, () => this.rng.normal() * scale);
  }
  positive(dims: number[]): string {
    return this.floatInit('v', dims, () => 0.5 + this.rng.next());
  }
  ints(values: number[]): string {
    const name = this.name('i');
    this.inits.push(makeTensor(name, T.INT64, [values.length], values));
    return name;
  }
  floats(values: number[], dims = [values.length]): string {
    const name = this.name('f');
    this.inits.push(makeTensor(name, T.FLOAT, dims, values));
    return name;
  }
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs = 1): string[] {
    this.ops.add(op);
    const out = Array.from({ length: outputs }, () => this.name(op.toLowerCase()));
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name: this.name(`n_${op}`),
        input: inputs,
        output: out,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return out;
  }
}

interface State {
  x: string;
  c: number;
  h: number;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));

function conv(b: Builder, s: State, cout: number, k: number, stride = 1): State {
  const p = (k - 1) >> 1;
  const bias = b.rng.next() < 0.7;
  const w = b.weight([cout, s.c, k, k], 1 / Math.sqrt(s.c * k * k));
  const [y] = b.node('Conv', [s.x, w, ...(bias ? [b.weight([cout], 0.1)] : [])], {
    kernel_shape: [k, k],
    pads: [p, p, p, p],
    strides: [stride, stride],
  });
  return { x: y, c: cout, h: Math.floor((s.h + 2 * p - k) / stride) + 1 };
}

function activation(b: Builder, s: State): State {
  const kind = pick(b.rng, RANDOM_ACTIVATIONS);
  let y: string;
  if (kind === 'Clip') [y] = b.node('Clip', [s.x, b.floats([0], []), b.floats([6], [])]);
  else if (kind === 'HardSigmoid')
    [y] = b.node('HardSigmoid', [s.x], { alpha: { f: 0.2 }, beta: { f: 0.5 } });
  else if (kind === 'LeakyRelu') [y] = b.node('LeakyRelu', [s.x], { alpha: { f: 0.1 } });
  else if (kind === 'PRelu') [y] = b.node('PRelu', [s.x, b.weight([s.c, 1, 1], 0.3)]);
  else [y] = b.node(kind, [s.x]);
  return { ...s, x: y };
}

const BLOCKS = [
  'conv',
  'depthwise',
  'bn',
  'act',
  'residual',
  'se',
  'concat',
  'split',
  'affine',
  'pad',
  'pool',
  'resize',
  'reshape',
  'transpose',
] as const;
type Block = (typeof BLOCKS)[number];

function block(b: Builder, s: State, kind: Block): State {
  const rng = b.rng;
  switch (kind) {
    case 'conv':
      return conv(b, s, int(rng, 3, 10), pick(rng, [1, 3]), s.h >= 6 && rng.next() < 0.3 ? 2 : 1);
    case 'depthwise': {
      const m = pick(rng, [1, 1, 2]);
      const w = b.weight([s.c * m, 1, 3, 3], 1 / 3);
      const [y] = b.node('Conv', [s.x, w, ...(rng.next() < 0.5 ? [b.weight([s.c * m], 0.1)] : [])], {
        group: s.c,
        kernel_shape: [3, 3],
        pads: [1, 1, 1, 1],
      });
      return { ...s, x: y, c: s.c * m };
    }
    case 'bn': {
      const [y] = b.node(
        'BatchNormalization',
        [s.x, b.positive([s.c]), b.weight([s.c], 0.1), b.weight([s.c], 0.1), b.positive([s.c])],
        {
          epsilon: { f: 1e-5 },
        },
      );
      return { ...s, x: y };
    }
    case 'act':
      return activation(b, s);
    case 'residual': {
      const y = activation(b, conv(b, s, s.c, 3));
      const [z] = b.node(rng.next() < 0.8 ? 'Add' : 'Sub', [s.x, y.x]);
      return { ...s, x: z };
    }
    case 'se': {
      const [g] =
        rng.next() < 0.5
          ? b.node('GlobalAveragePool', [s.x])
          : b.node('ReduceMean', [s.x], { axes: [2, 3], keepdims: 1 });
      const r = Math.max(2, s.c >> 1);
      const h1 = { ...conv(b, { x: g, c: s.c, h: 1 }, r, 1), h: 1 };
      const [a] = b.node('Relu', [h1.x]);
      const h2 = conv(b, { x: a, c: r, h: 1 }, s.c, 1);
      const [gate] =
        rng.next() < 0.5
          ? b.node('HardSigmoid', [h2.x], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } })
          : b.node('Sigmoid', [h2.x]);
      const [y] = b.node('Mul', [s.x, gate]);
      return { ...s, x: y };
    }
    case 'concat': {
      const l = conv(b, s, int(rng, 2, 6), 1);
      const r = rng.next() < 0.5 ? s : conv(b, s, int(rng, 2, 6), 3);
      const [y] = b.node('Concat', [l.x, r.x], { axis: 1 });
      return { ...s, x: y, c: l.c + r.c };
    }
    case 'split': {
      if (rng.next() < 0.5 && s.c >= 2) {
        // Along the channel axis: frozen.
        const a = int(rng, 1, s.c - 1);
        const [p, q] = b.node('Split', [s.x, b.ints([a, s.c - a])], { axis: 1 }, 2);
        const [y] = b.node('Concat', [q, p], { axis: 1 });
        return { ...s, x: y };
      }
      if (s.h % 2 !== 0) return s;
      const [p, q] = b.node('Split', [s.x, b.ints([s.h / 2, s.h / 2])], { axis: 2 }, 2);
      const [y] = b.node('Concat', [q, p], { axis: 2 });
      return { ...s, x: y };
    }
    case 'affine': {
      const op = pick(rng, ['Mul', 'Add', 'Div', 'Max'] as const);
      const form = pick(rng, ['c11', '1c11', 'scalar'] as const);
      const dims = form === 'c11' ? [s.c, 1, 1] : form === '1c11' ? [1, s.c, 1, 1] : [];
      const k = op === 'Div' ? b.positive(dims) : b.weight(dims, 0.5);
      // A constant divided by x would put Inf into the masked reference's zeroed channels.
      const [y] = b.node(op, op !== 'Div' && rng.next() < 0.5 ? [k, s.x] : [s.x, k]);
      return { ...s, x: y };
    }
    case 'pad': {
      const mode = pick(rng, ['constant', 'reflect', 'edge'] as const);
      const [y] = b.node('Pad', [s.x, b.ints([0, 0, 1, 0, 0, 0, 0, 1])], { mode });
      return { ...s, x: y, h: s.h + 1 };
    }
    case 'pool': {
      if (s.h < 2) return s;
      if (rng.next() < 0.5) {
        const [y] = b.node('MaxPool', [s.x], { kernel_shape: [2, 2], strides: [2, 2] });
        return { ...s, x: y, h: Math.floor(s.h / 2) };
      }
      const [y] = b.node('AveragePool', [s.x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] });
      return { ...s, x: y };
    }
    case 'resize': {
      if (s.h > 8) return s;
      const [y] =
        rng.next() < 0.5
          ? b.node('Resize', [s.x, '', b.floats([1, 1, 2, 2])], { mode: 'nearest' })
          : b.node('Resize', [s.x, '', '', b.ints([1, s.c, 2 * s.h, 2 * s.h])], { mode: 'linear' });
      return { ...s, x: y, h: 2 * s.h };
    }
    case 'reshape': {
      const [f] = b.node('Reshape', [s.x, b.ints([1, s.c, -1])]);
      const [y] = b.node('Reshape', [f, b.ints([1, s.c, s.h, s.h])]);
      return { ...s, x: y };
    }
    case 'transpose': {
      if (rng.next() < 0.5) {
        const [y] = b.node('Transpose', [s.x], { perm: [0, 1, 3, 2] });
        return { ...s, x: y };
      }
      const [t] = b.node('Transpose', [s.x], { perm: [0, 2, 3, 1] });
      const [y] = b.node('Transpose', [t], { perm: [0, 3, 1, 2] });
      return { ...s, x: y };
    }
  }
}

function head(b: Builder, s: State): string {
  const rng = b.rng;
  const kind = pick(rng, ['gap-gemm', 'flatten-gemm', 'reduce-matmul', 'reshape-gemm', 'conv'] as const);
  const k = int(rng, 2, 6);
  const gemm = (x: string, inF: number, outF: number) => {
    const transB = rng.next() < 0.5 ? 1 : 0;
    const w = b.weight(transB ? [outF, inF] : [inF, outF], 1 / Math.sqrt(inF));
    return b.node('Gemm', [x, w, ...(rng.next() < 0.7 ? [b.weight([outF], 0.1)] : [])], { transB })[0];
  };
  switch (kind) {
    case 'gap-gemm': {
      const [g] = b.node('GlobalAveragePool', [s.x]);
      const [f] = b.node('Flatten', [g], { axis: 1 });
      const hidden = int(rng, 3, 8);
      const [r] = b.node('Relu', [gemm(f, s.c, hidden)]);
      return gemm(r, hidden, k);
    }
    case 'flatten-gemm': {
      const [f] = b.node('Flatten', [s.x], { axis: 1 });
      return gemm(f, s.c * s.h * s.h, k);
    }
    case 'reduce-matmul': {
      const [g] = b.node('ReduceMean', [s.x], { axes: [2, 3], keepdims: 0 });
      const [m] = b.node('MatMul', [g, b.weight([s.c, k], 1 / Math.sqrt(s.c))]);
      return b.node('Add', [m, b.weight([k], 0.1)])[0];
    }
    case 'reshape-gemm': {
      const [f] = b.node('Reshape', [s.x, b.ints([1, s.c * s.h * s.h])]);
      return gemm(f, s.c * s.h * s.h, k);
    }
    case 'conv':
      return conv(b, s, k, 1).x;
  }
}

/** A random NCHW CNN as an ONNX model (opset 17), the same graph for the same seed. */
export function randomOnnxModel(seed: number): RandomOnnx {
  const rng = createRng(seed);
  const b = new Builder(rng);
  const c0 = int(rng, 2, 4);
  const h0 = pick(rng, [4, 6, 8]);
  let s: State = { x: 'x', c: c0, h: h0 };
  s = conv(b, s, int(rng, 3, 8), 3);
  const blocks: Block[] = [];
  const n = int(rng, 3, 7);
  for (let i = 0; i < n; i++) {
    const kind = BLOCKS[(seed + i * 5 + Math.floor(rng.next() * 3)) % BLOCKS.length];
    blocks.push(kind);
    s = block(b, s, kind);
  }
  const y = head(b, s);
  const outputs = [y];
  if (rng.next() < 0.2) outputs.push(b.node('GlobalMaxPool', [s.x])[0]);
  const valueInfo = (name: string, dims?: number[]) => ({
    name,
    type: {
      tensorType: {
        elemType: T.FLOAT,
        ...(dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {}),
      },
    },
  });
  const inputShape = [1, c0, h0, h0];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'prunekit random_onnx',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: `random_${seed}`,
      node: b.nodes,
      initializer: b.inits,
      input: [valueInfo('x', inputShape)],
      output: outputs.map((o) => valueInfo(o)),
    },
  });
  return { bytes: encodeModel(model), inputShape, ops: [...b.ops], blocks };
}
