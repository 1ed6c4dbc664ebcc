import { createRng, type Rng } from '@prunekit/core';

/**
 * Seeded random tfjs graph models (format 'graph-model'), written directly as model.json +
 * weight bytes — the GraphDef JSON the tfjs converter emits — for property tests of graph-model
 * surgery. Blocks cover the ops the graph-model specs handle, fused and unfused.
 */
export interface RandomGraphModel {
  readonly json: Record<string, unknown>;
  readonly weightData: ArrayBuffer;
  readonly inputShape: readonly number[];
  /** Block kinds in order, e.g. ['conv:fused:BiasAdd+Relu6', 'se', 'head:flatten']. */
  readonly blocks: readonly string[];
  /** Ops used (Const and Placeholder excluded). */
  readonly ops: readonly string[];
}

export interface RandomGraphModelOptions {
  /** Blocks between stem and heads: a random count in [min, max]. Default [2, 5]. */
  readonly blocks?: readonly [number, number];
  /** Use fused ops (_FusedConv2D …) — true, false, or 'mixed' (per block). Default 'mixed'. */
  readonly fused?: boolean | 'mixed';
}

export const RANDOM_GRAPH_BLOCKS = [
  'conv',
  'depthwise',
  'bn',
  'residual',
  'const',
  'hardswish',
  'se',
  'concat',
  'split',
  'pad',
  'pool',
  'resize',
  'unary',
] as const;

interface T {
  readonly name: string;
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

type Attr = Record<string, unknown>;
const b64 = (s: string) => btoa(s);
const A = {
  s: (v: string) => ({ s: b64(v) }),
  i: (v: number) => ({ i: String(v) }),
  f: (v: number) => ({ f: v }),
  b: (v: boolean) => ({ b: v }),
  ints: (v: number[]) => ({ list: { i: v.map(String) } }),
  strs: (v: string[]) => ({ list: { s: v.map(b64) } }),
  float: { type: 'DT_FLOAT' },
  int: { type: 'DT_INT32' },
};
const conv = (stride: number): Attr => ({
  T: A.float,
  strides: A.ints([1, stride, stride, 1]),
  padding: A.s('SAME'),
  data_format: A.s('NHWC'),
  dilations: A.ints([1, 1, 1, 1]),
  explicit_paddings: { list: {} },
});

const ACTS = ['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Prelu', 'Sigmoid'] as const;

class Builder {
  readonly nodes: { name: string; op: string; input?: string[]; attr?: Attr }[] = [];
  readonly weights: {
    name: string;
    shape: number[];
    dtype: 'float32' | 'int32';
    values: Float32Array | Int32Array;
  }[] = [];
  readonly kinds: string[] = [];
  private n = 0;
  constructor(
    readonly rng: Rng,
    readonly fused: boolean | 'mixed',
  ) {}

  id(p: string) {
    return `${p}_${this.n++}`;
  }
  pick<X>(xs: readonly X[]): X {
    return xs[Math.floor(this.rng.next() * xs.length)];
  }
  useFused() {
    return this.fused === 'mixed' ? this.rng.next() < 0.5 : this.fused;
  }
  uniform(lo: number, hi: number) {
    return lo + (hi - lo) * this.rng.next();
  }
  constF(shape: number[], gen: () => number): string {
    const name = this.id('const');
    const values = new Float32Array(shape.reduce((a, d) => a * d, 1)).map(gen);
    this.weights.push({ name, shape, dtype: 'float32', values });
    this.nodes.push({
      name,
      op: 'Const',
      attr: {
        dtype: A.float,
        value: {
          tensor: {
            dtype: 'DT_FLOAT',
            tensorShape: shape.length ? { dim: shape.map((d) => ({ size: String(d) })) } : {},
          },
        },
      },
    });
    return name;
  }
  constI(values: number[], shape = [values.length]): string {
    const name = this.id('int');
    this.weights.push({ name, shape, dtype: 'int32', values: Int32Array.from(values) });
    this.nodes.push({
      name,
      op: 'Const',
      attr: {
        dtype: A.int,
        value: {
          tensor: {
            dtype: 'DT_INT32',
            tensorShape: shape.length ? { dim: shape.map((d) => ({ size: String(d) })) } : {},
          },
        },
      },
    });
    return name;
  }
  op(op: string, input: string[], attr: Attr = {}): string {
    const name = this.id(op.replace(/^_/, '').toLowerCase());
    this.nodes.push({ name, op, input, attr: { T: A.float, ...attr } });
    return name;
  }
  weight(shape: number[], fanIn: number) {
    const s = 1 / Math.sqrt(fanIn);
    return this.constF(shape, () => this.uniform(-s, s) * 1.7);
  }
  vec(c: number, lo: number, hi: number) {
    return this.constF([c], () => this.uniform(lo, hi));
  }

  /** Unfused activation op on x. */
  act(x: string, c: number, act: (typeof ACTS)[number] | 'Tanh'): string {
    if (act === 'Prelu') return this.op('Prelu', [x, this.vec(c, 0.05, 0.3)]);
    if (act === 'LeakyRelu') return this.op('LeakyRelu', [x], { alpha: A.f(0.1) });
    return this.op(act, [x]);
  }

  conv(x: T, cout: number, k: number, stride: number, tag = 'conv'): T {
    const filter = this.weight([k, k, x.c, cout], k * k * x.c);
    const h = Math.ceil(x.h / stride);
    const w = Math.ceil(x.w / stride);
    const act = this.pick(ACTS);
    if (this.useFused()) {
      const args = [this.vec(cout, -0.2, 0.2)];
      if (act === 'Prelu') args.push(this.vec(cout, 0.05, 0.3));
      const name = this.op('_FusedConv2D', [x.name, filter, ...args], {
        ...conv(stride),
        num_args: A.i(args.length),
        fused_ops: A.strs(['BiasAdd', act]),
        epsilon: A.f(0),
        leakyrelu_alpha: A.f(0.1),
      });
      this.kinds.push(`${tag}:fused:${act}`);
      return { name, h, w, c: cout };
    }
    let y = this.op('Conv2D', [x.name, filter], conv(stride));
    y = this.op('BiasAdd', [y, this.vec(cout, -0.2, 0.2)], { data_format: A.s('NHWC') });
    y = this.act(y, cout, act);
    this.kinds.push(`${tag}:${act}`);
    return { name: y, h, w, c: cout };
  }

  depthwise(x: T): T {
    const m = this.pick([1, 1, 2]);
    const filter = this.weight([3, 3, x.c, m], 9);
    const stride = this.pick([1, 1, 2]);
    const out = { h: Math.ceil(x.h / stride), w: Math.ceil(x.w / stride), c: x.c * m };
    if (this.useFused()) {
      const name = this.op('FusedDepthwiseConv2dNative', [x.name, filter, this.vec(out.c, -0.2, 0.2)], {
        ...conv(stride),
        num_args: A.i(1),
        fused_ops: A.strs(['BiasAdd', this.pick(['Relu', 'Relu6'])]),
      });
      this.kinds.push(`depthwise:fused:m${m}`);
      return { name, ...out };
    }
    const name = this.op('DepthwiseConv2dNative', [x.name, filter], conv(stride));
    this.kinds.push(`depthwise:m${m}`);
    return { name, ...out };
  }

  block(x: T, kind: (typeof RANDOM_GRAPH_BLOCKS)[number], widths: readonly number[]): T {
    switch (kind) {
      case 'conv':
        return this.conv(x, this.pick(widths), this.pick([1, 3]), x.h > 4 ? this.pick([1, 2]) : 1);
      case 'depthwise':
        return this.depthwise(x);
      case 'bn': {
        const name = this.op(
          'FusedBatchNormV3',
          [
            x.name,
            this.vec(x.c, 0.5, 1.5),
            this.vec(x.c, -0.3, 0.3),
            this.vec(x.c, -0.3, 0.3),
            this.vec(x.c, 0.5, 2),
          ],
          { epsilon: A.f(0.001), data_format: A.s('NHWC'), is_training: A.b(false), U: A.float },
        );
        this.kinds.push('bn');
        return { ...x, name };
      }
      case 'residual': {
        const y = this.conv(x, x.c, 3, 1, 'residual-branch');
        const op = this.pick([
          'AddV2',
          'Add',
          'Sub',
          'Mul',
          'Maximum',
          'Minimum',
          'SquaredDifference',
          'AddN',
        ]);
        const name =
          op === 'AddN' ? this.op('AddN', [x.name, y.name], { N: A.i(2) }) : this.op(op, [x.name, y.name]);
        this.kinds.push(`residual:${op}`);
        return { ...x, name };
      }
      case 'const': {
        const op = this.pick(['Mul', 'AddV2', 'Sub', 'RealDiv', 'Maximum', 'Minimum']);
        const shape = this.pick([[x.c], [1, 1, 1, x.c], []]);
        const c = this.constF(
          shape,
          () => this.uniform(0.5, 1.5) * (op === 'Sub' || op === 'AddV2' ? this.pick([-1, 1]) : 1),
        );
        const flip = op !== 'RealDiv' && this.rng.next() < 0.5;
        const name = this.op(op, flip ? [c, x.name] : [x.name, c]);
        this.kinds.push(`const:${op}:${shape.length}`);
        return { ...x, name };
      }
      case 'hardswish': {
        const a = this.op('AddV2', [x.name, this.constF([], () => 3)]);
        const r = this.op('Relu6', [a]);
        const m = this.op('Mul', [x.name, r]);
        const name = this.op('Mul', [m, this.constF([], () => 1 / 6)]);
        this.kinds.push('hardswish');
        return { ...x, name };
      }
      case 'se': {
        const pooled = this.op('Mean', [x.name, this.constI([1, 2])], { keep_dims: A.b(true), Tidx: A.int });
        const mid = Math.max(2, Math.floor(x.c / 2));
        const r = this.conv({ name: pooled, h: 1, w: 1, c: x.c }, mid, 1, 1, 'se-reduce');
        const g = this.conv(r, x.c, 1, 1, 'se-expand');
        const gate = this.rng.next() < 0.5 ? this.op('Sigmoid', [g.name]) : this.op('Relu6', [g.name]);
        const name = this.op('Mul', [x.name, gate]);
        this.kinds.push('se');
        return { ...x, name };
      }
      case 'concat': {
        const a = this.conv(x, this.pick(widths), 1, 1, 'concat-a');
        const b = this.conv(x, this.pick(widths), 3, 1, 'concat-b');
        const name = this.op('ConcatV2', [a.name, b.name, this.constI([this.pick([-1, 3])], [])], {
          N: A.i(2),
          Tidx: A.int,
        });
        this.kinds.push('concat');
        return { ...x, name, c: a.c + b.c };
      }
      case 'split': {
        if (x.h % 2 === 0 && this.rng.next() < 0.5) {
          const s = this.op('Split', [this.constI([1], []), x.name], { num_split: A.i(2) });
          const a = this.op('Relu', [s]);
          const b = this.op('Sigmoid', [`${s}:1`]);
          const name = this.op('ConcatV2', [a, b, this.constI([1], [])], { N: A.i(2), Tidx: A.int });
          this.kinds.push('split:Split');
          return { ...x, name };
        }
        const s = this.op('SplitV', [x.name, this.constI([1, x.w - 1]), this.constI([2], [])], {
          num_split: A.i(2),
          Tlen: A.int,
        });
        const name = this.op('ConcatV2', [`${s}:1`, s, this.constI([2], [])], { N: A.i(2), Tidx: A.int });
        this.kinds.push('split:SplitV');
        return { ...x, name };
      }
      case 'pad': {
        const op = this.pick(['Pad', 'PadV2', 'MirrorPad']);
        const p = this.constI([0, 0, 1, 1, 1, 1, 0, 0], [4, 2]);
        const name =
          op === 'Pad'
            ? this.op('Pad', [x.name, p], { Tpaddings: A.int })
            : op === 'PadV2'
              ? this.op('PadV2', [x.name, p, this.constF([], () => 0.5)], { Tpaddings: A.int })
              : this.op('MirrorPad', [x.name, p], { mode: A.s('REFLECT'), Tpaddings: A.int });
        this.kinds.push(`pad:${op}`);
        return { ...x, name, h: x.h + 2, w: x.w + 2 };
      }
      case 'pool': {
        const op = this.pick(['MaxPool', 'AvgPool']);
        const s = x.h > 4 ? 2 : 1;
        const name = this.op(op, [x.name], {
          ksize: A.ints([1, 2, 2, 1]),
          strides: A.ints([1, s, s, 1]),
          padding: A.s('SAME'),
          data_format: A.s('NHWC'),
        });
        this.kinds.push(`pool:${op}`);
        return { ...x, name, h: Math.ceil(x.h / s), w: Math.ceil(x.w / s) };
      }
      case 'resize': {
        const op = this.pick(['ResizeBilinear', 'ResizeNearestNeighbor']);
        const h = x.h <= 4 ? x.h * 2 : x.h - 1;
        const w = x.w <= 4 ? x.w * 2 : x.w - 1;
        const name = this.op(op, [x.name, this.constI([h, w])], {
          align_corners: A.b(false),
          half_pixel_centers: A.b(op === 'ResizeBilinear'),
        });
        this.kinds.push(`resize:${op}`);
        return { ...x, name, h, w };
      }
      case 'unary': {
        const op = this.pick(['Relu', 'Relu6', 'Elu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Identity', 'Cast']);
        const name =
          op === 'Cast'
            ? this.op('Cast', [x.name], { SrcT: A.float, DstT: A.float, Truncate: A.b(false) })
            : op === 'LeakyRelu'
              ? this.op('LeakyRelu', [x.name], { alpha: A.f(0.1) })
              : this.op(op, [x.name]);
        this.kinds.push(`unary:${op}`);
        return { ...x, name };
      }
    }
  }

  /** Dense on [1, c] features: MatMul (+ BiasAdd) or _FusedMatMul, optionally transpose_b. */
  dense(x: string, c: number, units: number): string {
    const tb = this.rng.next() < 0.3;
    const kernel = this.weight(tb ? [units, c] : [c, units], c);
    if (this.useFused()) {
      const act = this.pick(['Relu', 'Relu6', 'Sigmoid', 'Elu']);
      this.kinds.push(`dense:fused:${act}${tb ? ':tb' : ''}`);
      return this.op('_FusedMatMul', [x, kernel, this.vec(units, -0.2, 0.2)], {
        transpose_a: A.b(false),
        transpose_b: A.b(tb),
        num_args: A.i(1),
        fused_ops: A.strs(['BiasAdd', act]),
        epsilon: A.f(0),
        leakyrelu_alpha: A.f(0.1),
      });
    }
    this.kinds.push(`dense${tb ? ':tb' : ''}`);
    const y = this.op('MatMul', [x, kernel], { transpose_a: A.b(false), transpose_b: A.b(tb) });
    return this.op('BiasAdd', [y, this.vec(units, -0.2, 0.2)], { data_format: A.s('NHWC') });
  }

  head(x: T): string[] {
    const kind = this.pick(['gap', 'flatten', 'conv', 'multi']);
    const gap = () => {
      const op = this.pick(['Mean', 'Mean', 'Max', 'Sum']);
      const pooled = this.op(op, [x.name, this.constI([1, 2])], { keep_dims: A.b(false), Tidx: A.int });
      this.kinds.push(`head:gap:${op}`);
      return this.op('Identity', [this.dense(pooled, x.c, 5)]);
    };
    const flatten = () => {
      const p = x.h * x.w * x.c;
      const shape = this.pick([
        [1, p],
        [-1, p],
        [1, -1],
      ]);
      const flat = this.op('Reshape', [x.name, this.constI(shape)], { Tshape: A.int });
      this.kinds.push(`head:flatten:${shape.join('x')}`);
      return this.op('Identity', [this.dense(flat, p, 4)]);
    };
    const convHead = () => {
      const filter = this.weight([1, 1, x.c, 3], x.c);
      this.kinds.push('head:conv');
      return this.op('Identity', [this.op('Conv2D', [x.name, filter], conv(1))]);
    };
    if (kind === 'gap') return [gap()];
    if (kind === 'flatten') return [flatten()];
    if (kind === 'conv') return [convHead()];
    return [gap(), convHead()];
  }
}

/** A random graph model from `seed` (same seed, same model). */
export function randomGraphModel(seed: number, opts: RandomGraphModelOptions = {}): RandomGraphModel {
  const rng = createRng(seed);
  const g = new Builder(rng, opts.fused ?? 'mixed');
  const [lo, hi] = opts.blocks ?? [2, 5];
  const size = g.pick([6, 8]);
  const cin = g.pick([3, 4]);
  const widths = [4, 6, 8];
  g.nodes.push({
    name: 'input',
    op: 'Placeholder',
    attr: {
      dtype: A.float,
      shape: { shape: { dim: [-1, size, size, cin].map((d) => ({ size: String(d) })) } },
    },
  });
  let x: T = { name: 'input', h: size, w: size, c: cin };
  x = g.conv(x, g.pick(widths), 3, 1, 'stem');
  const count = lo + Math.floor(rng.next() * (hi - lo + 1));
  for (let i = 0; i < count; i++) {
    let kind = g.pick(RANDOM_GRAPH_BLOCKS);
    if (kind === 'depthwise' && x.c > 8) kind = 'conv';
    if (kind === 'concat' && x.c > 8) kind = 'conv';
    if (kind === 'pad' && x.h > 8) kind = 'pool';
    x = g.block(x, kind, widths);
  }
  g.head(x);
  const bytes = g.weights.reduce((a, w) => a + w.values.byteLength, 0);
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const w of g.weights) {
    data.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), at);
    at += w.values.byteLength;
  }
  const json = {
    format: 'graph-model',
    generatedBy: 'prunekit random graph model',
    convertedBy: null,
    modelTopology: { node: g.nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: g.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })),
      },
    ],
  };
  const ops = [...new Set(g.nodes.map((n) => n.op).filter((o) => o !== 'Const' && o !== 'Placeholder'))];
  return { json, weightData: data.buffer, inputShape: [1, size, size, cin], blocks: g.kinds, ops };
}
