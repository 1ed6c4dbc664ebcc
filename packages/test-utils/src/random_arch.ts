import { type Rng, createRng } from '@prunekit/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { seedWeights } from './fixtures/seeded_weights.js';

type T = tfl.SymbolicTensor;

export interface RandomArchOptions {
  /** Input height = width. Default 8. */
  readonly size?: number;
  /** Blocks between stem and heads: a random count in [min, max]. Default [2, 4]. */
  readonly blocks?: readonly [number, number];
  /** Channel widths to draw from. Default [3, 4, 6, 8]. */
  readonly widths?: readonly number[];
  /**
   * Use the network as a backbone: a functional model called as one layer of an outer model,
   * between an outer stem conv and an outer dense on its first output (the transfer-learning shape).
   */
  readonly nested?: boolean;
}

/** What a random architecture holds, for test diagnostics. */
export interface RandomArch {
  readonly model: tfl.LayersModel;
  /** Block kinds in order, e.g. ['residual:add', 'se', 'concat', 'flatten-head']. */
  readonly blocks: readonly string[];
}

export const RANDOM_ARCH_BLOCKS = [
  'residual',
  'concat',
  'depthwise',
  'separable',
  'se',
  'resample',
  'act',
  'transpose',
] as const;

class Builder {
  private n = 0;
  readonly kinds: string[] = [];
  constructor(
    readonly rng: Rng,
    readonly widths: readonly number[],
  ) {}
  name(kind: string): string {
    return `${kind}_${this.n++}`;
  }
  pick<U>(xs: readonly U[]): U {
    return xs[this.rng.int(xs.length)];
  }
  width(): number {
    return this.pick(this.widths);
  }
  apply(layer: tfl.layers.Layer, x: T | T[]): T {
    return layer.apply(x) as T;
  }
  conv(x: T, filters: number, k = 3, activation: 'relu' | 'linear' = 'linear'): T {
    return this.apply(
      tfl.layers.conv2d({ filters, kernelSize: k, padding: 'same', activation, name: this.name('conv') }),
      x,
    );
  }
  bn(x: T): T {
    return this.apply(tfl.layers.batchNormalization({ name: this.name('bn') }), x);
  }
  relu(x: T): T {
    return this.apply(tfl.layers.reLU({ name: this.name('relu') }), x);
  }
}

function channels(x: T): number {
  return x.shape[x.shape.length - 1] as number;
}

function spatial(x: T): number {
  return x.shape[1] as number;
}

function block(b: Builder, kind: (typeof RANDOM_ARCH_BLOCKS)[number], x: T): T {
  const c = channels(x);
  switch (kind) {
    case 'residual': {
      const op = b.pick(['add', 'average', 'maximum', 'minimum', 'multiply'] as const);
      let y = b.relu(b.bn(b.conv(x, b.width())));
      y = b.bn(b.conv(y, c));
      const skip = b.rng.next() < 0.3 ? b.bn(b.conv(x, c, 1)) : x;
      const merge = {
        add: tfl.layers.add,
        minimum: tfl.layers.minimum,
        average: tfl.layers.average,
        maximum: tfl.layers.maximum,
        multiply: tfl.layers.multiply,
      }[op];
      b.kinds.push(`residual:${op}`);
      return b.relu(b.apply(merge({ name: b.name(op) }), [skip, y]));
    }
    case 'concat': {
      const p = b.conv(x, b.width(), 1, 'relu');
      const q = b.apply(
        tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: b.name('dw') }),
        x,
      );
      const parts = b.rng.next() < 0.5 ? [p, q] : [q, p, b.conv(x, b.width())];
      b.kinds.push(`concat:${parts.length}`);
      return b.apply(tfl.layers.concatenate({ axis: -1, name: b.name('cat') }), parts);
    }
    case 'depthwise': {
      const m = b.pick([1, 2]);
      b.kinds.push(`depthwise:${m}`);
      const y = b.apply(
        tfl.layers.depthwiseConv2d({
          kernelSize: 3,
          depthMultiplier: m,
          padding: 'same',
          name: b.name('dw'),
        }),
        x,
      );
      return b.relu(b.bn(y));
    }
    case 'separable': {
      const m = b.pick([1, 2]);
      b.kinds.push(`separable:${m}`);
      return b.apply(
        tfl.layers.separableConv2d({
          filters: b.width(),
          kernelSize: 3,
          depthMultiplier: m,
          padding: 'same',
          name: b.name('sep'),
        }),
        x,
      );
    }
    case 'se': {
      b.kinds.push('se');
      const s0 = b.apply(tfl.layers.globalAveragePooling2d({ name: b.name('gap') }), x);
      const s1 = b.apply(
        tfl.layers.dense({ units: Math.max(2, c >> 1), activation: 'relu', name: b.name('se_reduce') }),
        s0,
      );
      const s2 = b.apply(
        tfl.layers.dense({ units: c, activation: 'sigmoid', name: b.name('se_expand') }),
        s1,
      );
      const s3 = b.apply(tfl.layers.reshape({ targetShape: [1, 1, c], name: b.name('se_reshape') }), s2);
      return b.apply(tfl.layers.multiply({ name: b.name('se_scale') }), [x, s3]);
    }
    case 'resample': {
      const s = spatial(x);
      const op = b.pick(
        s >= 4 ? ['maxpool', 'avgpool', 'pad-crop', 'upsample-pool'] : ['pad-crop', 'upsample-pool'],
      );
      b.kinds.push(`resample:${op}`);
      if (op === 'maxpool')
        return b.apply(tfl.layers.maxPooling2d({ poolSize: 2, name: b.name('maxpool') }), x);
      if (op === 'avgpool')
        return b.apply(tfl.layers.averagePooling2d({ poolSize: 2, name: b.name('avgpool') }), x);
      if (op === 'pad-crop') {
        const y = b.apply(tfl.layers.zeroPadding2d({ padding: 1, name: b.name('pad') }), x);
        const z = b.conv(y, b.width());
        return b.apply(
          tfl.layers.cropping2D({
            cropping: [
              [1, 1],
              [1, 1],
            ],
            name: b.name('crop'),
          }),
          z,
        );
      }
      const up = b.apply(tfl.layers.upSampling2d({ size: [2, 2], name: b.name('up') }), x);
      return b.apply(
        tfl.layers.maxPooling2d({ poolSize: 2, name: b.name('maxpool') }),
        b.conv(up, b.width()),
      );
    }
    case 'act': {
      const op = b.pick([
        'prelu',
        'prelu-shared',
        'leaky',
        'elu',
        'tanh',
        'sigmoid',
        'dropout',
        'layernorm',
      ] as const);
      b.kinds.push(`act:${op}`);
      const y = b.conv(x, b.width());
      switch (op) {
        case 'prelu':
          return b.apply(tfl.layers.prelu({ name: b.name('prelu') }), y);
        case 'prelu-shared':
          return b.apply(tfl.layers.prelu({ sharedAxes: [1, 2], name: b.name('prelu') }), y);
        case 'leaky':
          return b.apply(tfl.layers.leakyReLU({ alpha: 0.2, name: b.name('leaky') }), y);
        case 'elu':
          return b.apply(tfl.layers.elu({ name: b.name('elu') }), y);
        case 'dropout':
          return b.apply(tfl.layers.dropout({ rate: 0.3, name: b.name('drop') }), y);
        case 'layernorm':
          return b.apply(tfl.layers.layerNormalization({ axis: -1, name: b.name('ln') }), y);
        default:
          return b.apply(tfl.layers.activation({ activation: op, name: b.name(op) }), y);
      }
    }
    case 'transpose': {
      const stride = spatial(x) <= 4 ? 2 : 1;
      b.kinds.push(`transpose:${stride}`);
      return b.apply(
        tfl.layers.conv2dTranspose({
          filters: b.width(),
          kernelSize: 3,
          strides: stride,
          padding: 'same',
          name: b.name('convT'),
        }),
        x,
      );
    }
  }
}

/**
 * A small random CNN built from createRng(seed): a stem, 2–4 blocks (residual merges of every
 * kind, concatenations, depthwise with multiplier 1 or 2, separable, squeeze-excite, pooling /
 * padding / cropping / up-sampling, transposed convs, activations incl. PReLU and LayerNorm),
 * then a head (GAP → Dense, or Flatten → Dense → Dense) and, half the time, a second output taken
 * from the middle of the network. Weights are seeded too. Tiny on purpose: hundreds build in seconds.
 */
export function randomArch(seed: number, opts: RandomArchOptions = {}): RandomArch {
  const rng = createRng(seed);
  const size = opts.size ?? 8;
  const [lo, hi] = opts.blocks ?? [2, 4];
  const b = new Builder(rng, opts.widths ?? [3, 4, 6, 8]);
  const input = tfl.input({ shape: [size, size, 3], name: b.name('input') });
  let x = b.relu(b.bn(b.conv(input, b.width())));
  const count = lo + rng.int(hi - lo + 1);
  let side: T | null = null;
  for (let i = 0; i < count; i++) {
    x = block(b, b.pick(RANDOM_ARCH_BLOCKS), x);
    if (i === 0 && rng.next() < 0.5) side = x;
  }
  const outputs: T[] = [];
  if (rng.next() < 0.5) {
    b.kinds.push('gap-head');
    const g = b.apply(tfl.layers.globalMaxPooling2d({ name: b.name('gmp') }), x);
    outputs.push(b.apply(tfl.layers.dense({ units: 3, name: b.name('logits') }), g));
  } else {
    b.kinds.push('flatten-head');
    if (spatial(x) > 4) x = b.apply(tfl.layers.averagePooling2d({ poolSize: 2, name: b.name('avgpool') }), x);
    const f = b.apply(tfl.layers.flatten({ name: b.name('flatten') }), x);
    const h = b.apply(tfl.layers.dense({ units: 6, activation: 'relu', name: b.name('fc') }), f);
    outputs.push(b.apply(tfl.layers.dense({ units: 3, name: b.name('logits') }), h));
  }
  if (side) {
    b.kinds.push('second-output');
    outputs.push(b.conv(side, 2, 1));
  }
  const model = tfl.model({ inputs: input, outputs, name: `random_arch_${seed}` });
  seedWeights(model, seed ^ 0x5eed);
  return opts.nested ? asBackbone(model, size, b, seed) : { model, blocks: b.kinds };
}

function asBackbone(backbone: tfl.LayersModel, size: number, b: Builder, seed: number): RandomArch {
  const input = tfl.input({ shape: [size, size, 3], name: 'outer_input' });
  const stem = b.apply(
    tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'outer_stem' }),
    input,
  );
  const ys = backbone.apply(stem) as T | T[];
  const [first, ...rest] = Array.isArray(ys) ? ys : [ys];
  const head = b.apply(tfl.layers.dense({ units: 2, name: 'outer_head' }), first);
  const model = tfl.model({ inputs: input, outputs: [head, ...rest], name: `outer_${backbone.name}` });
  seedWeights(model, seed ^ 0xbacb);
  return { model, blocks: ['nested', ...b.kinds] };
}
