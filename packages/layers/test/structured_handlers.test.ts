import {
  type GroupMember,
  type ModelGraph,
  InvalidArgumentError,
  memberIndices,
  UnsupportedLayerError,
} from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../src/index.js';
import { weightless } from '../src/index.js';
import { analyzeChannels, removeChannels } from '../src/structured/index.js';
import { analyze, expectEquivalent, seed } from './structured_helpers.js';

type T = tfl.SymbolicTensor;
const open: tfl.LayersModel[] = [];
function net(shape: number[], body: (x: T) => T | T[]): tfl.LayersModel {
  const input = tfl.input({ shape, name: 'input' });
  const m = tfl.model({ inputs: input, outputs: body(input) });
  seed(m);
  open.push(m);
  return m;
}
const L = tfl.layers;
const ap = (l: tfl.layers.Layer, x: T | T[]) => l.apply(x) as T;
const conv = (name: string, filters: number, x: T, extra: Record<string, unknown> = {}) =>
  ap(L.conv2d({ name, filters, kernelSize: 3, padding: 'same', ...extra }), x);
const head = (x: T) =>
  ap(L.dense({ name: 'out', units: 2 }), ap(L.globalAveragePooling2d({ name: 'head_gap' }), x));
const member = (ms: readonly GroupMember[], param: string, axis?: number) =>
  ms.find((m) => m.param === param && (axis === undefined || m.axis === axis));

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});
afterEach(() => {
  for (const m of open.splice(0)) m.dispose();
});

describe('structured rules per layer class', () => {
  it('Conv2D: out channels (kernel axis 3, bias) and the next conv in channels (kernel axis 2)', async () => {
    const m = net([6, 6, 3], (x) => head(conv('c2', 5, conv('c1', 4, x))));
    const g = analyze(m).groups.find((x) => x.id === 'c1')!;
    expect(g.size).toBe(4);
    expect(member(g.members, 'c1/kernel')).toMatchObject({ axis: 3, role: 'out' });
    expect(member(g.members, 'c1/bias')).toMatchObject({ axis: 0, role: 'out' });
    expect(member(g.members, 'c2/kernel', 2)).toMatchObject({ role: 'in' });
    const shapes = await expectEquivalent(m);
    expect(shapes.get('c1')![0]).toEqual([3, 3, 3, 2]);
    expect(shapes.get('c2')![0]).toEqual([3, 3, 2, 3]);
  });

  it('Conv2DTranspose: kernel [kh, kw, out, in]', async () => {
    const m = net([4, 4, 3], (x) =>
      head(
        ap(
          L.conv2dTranspose({ name: 't2', filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
          ap(L.conv2dTranspose({ name: 't1', filters: 6, kernelSize: 3, padding: 'same' }), x),
        ),
      ),
    );
    const g = analyze(m).groups.find((x) => x.id === 't1')!;
    expect(member(g.members, 't1/kernel')).toMatchObject({ axis: 2, role: 'out' });
    expect(member(g.members, 't2/kernel')).toMatchObject({ axis: 3, role: 'in' });
    const shapes = await expectEquivalent(m);
    expect(shapes.get('t1')![0]).toEqual([3, 3, 3, 3]);
    expect(shapes.get('t2')![0]).toEqual([3, 3, 2, 3]);
  });

  it('DepthwiseConv2D multiplier 1 carries channels; multiplier 2 repeats each (scale 2, repeat 2)', async () => {
    const m1 = net([6, 6, 3], (x) =>
      head(
        conv(
          'c2',
          3,
          ap(L.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same' }), conv('c1', 4, x)),
        ),
      ),
    );
    const g1 = analyze(m1).groups.find((x) => x.id === 'c1')!;
    expect(member(g1.members, 'dw/depthwise_kernel')).toMatchObject({ axis: 2, role: 'through' });
    expect(member(g1.members, 'dw/bias')).toMatchObject({ axis: 0, role: 'through', scale: 1 });
    await expectEquivalent(m1);
    const m2 = net([6, 6, 3], (x) =>
      head(
        conv(
          'c2',
          3,
          ap(
            L.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
            conv('c1', 4, x),
          ),
        ),
      ),
    );
    const g2 = analyze(m2).groups.find((x) => x.id === 'c1')!;
    const into = member(g2.members, 'c2/kernel', 2)!;
    expect(into).toMatchObject({ scale: 2, repeat: 2, stride: 1 });
    expect(memberIndices(into, [1, 3])).toEqual([2, 3, 6, 7]);
    const shapes = await expectEquivalent(m2);
    expect(shapes.get('dw')![0]).toEqual([3, 3, 2, 2]);
    expect(shapes.get('c2')![0]).toEqual([3, 3, 4, 2]);
  });

  it('SeparableConv2D: depthwise axis 2, pointwise rows expanded by the multiplier; config survives the tfjs serialisation gap', async () => {
    const m = net([6, 6, 3], (x) =>
      head(
        ap(
          L.separableConv2d({ name: 'sep', filters: 6, kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
          conv('c1', 4, x),
        ),
      ),
    );
    const gs = analyze(m).groups;
    const g = gs.find((x) => x.id === 'c1')!;
    expect(member(g.members, 'sep/pointwise_kernel', 2)).toMatchObject({ scale: 2, repeat: 2, role: 'in' });
    expect(member(gs.find((x) => x.id === 'sep')!.members, 'sep/pointwise_kernel', 3)).toMatchObject({
      role: 'out',
    });
    const shapes = await expectEquivalent(m);
    expect(shapes.get('sep')!.map((s) => s)).toEqual([[3, 3, 2, 2], [1, 1, 4, 3], [3]]);
  });

  it('Dense stacks: neuron pruning is the same mechanism', async () => {
    const input = tfl.input({ shape: [5], name: 'input' });
    const h1 = ap(L.dense({ name: 'h1', units: 8, activation: 'relu' }), input);
    const h2 = ap(
      L.dense({ name: 'h2', units: 6, activation: 'tanh' }),
      ap(L.dropout({ name: 'drop', rate: 0.5 }), h1),
    );
    const m = tfl.model({ inputs: input, outputs: ap(L.dense({ name: 'out', units: 3 }), h2) });
    seed(m);
    open.push(m);
    expect(analyze(m).groups.map((g) => g.id)).toEqual(['h1', 'h2']);
    const shapes = await expectEquivalent(m);
    expect(shapes.get('h1')![0]).toEqual([5, 4]);
    expect(shapes.get('h2')![0]).toEqual([4, 3]);
    expect(shapes.get('out')![0]).toEqual([3, 3]);
  });

  it('BatchNormalization carries four per-channel vectors; LayerNormalization over channels freezes the group', async () => {
    const m = net([6, 6, 3], (x) =>
      head(conv('c2', 3, ap(L.batchNormalization({ name: 'bn' }), conv('c1', 4, x)))),
    );
    const g = analyze(m).groups.find((x) => x.id === 'c1')!;
    for (const w of ['gamma', 'beta', 'moving_mean', 'moving_variance'])
      expect(member(g.members, `bn/${w}`)).toMatchObject({ axis: 0, role: 'through' });
    expect((await expectEquivalent(m)).get('bn')![0]).toEqual([2]);
    const ln = net([6, 6, 3], (x) =>
      head(conv('c2', 3, ap(L.layerNormalization({ name: 'ln', axis: -1 }), conv('c1', 4, x)))),
    );
    const a = analyze(ln);
    expect(a.groups.map((x) => x.id)).not.toContain('c1');
    expect(a.frozen.find((f) => f.id === 'c1')!.reason).toMatch(/'ln'.*LayerNormalization/);
    await expectEquivalent(ln);
  });

  it.each(['add', 'multiply', 'average', 'maximum', 'minimum'] as const)(
    '%s couples the channels of its inputs into one group',
    async (op) => {
      const m = net([6, 6, 3], (x) => {
        const a = conv('a', 4, x);
        const b = conv('b', 4, conv('pre', 5, x));
        return head(conv('post', 3, ap(L[op]({ name: 'merge' }), [a, b])));
      });
      const g = analyze(m).groups.find((x) => x.roots.includes('a'))!;
      expect(g.roots).toEqual(['a', 'b']);
      expect(member(g.members, 'post/kernel', 2)).toBeDefined();
      const shapes = await expectEquivalent(m);
      expect(shapes.get('a')![0][3]).toBe(2);
      expect(shapes.get('b')![0][3]).toBe(2);
    },
  );

  it('Concatenate on the channel axis offsets the second input; on another axis it couples them', async () => {
    const m = net([6, 6, 3], (x) =>
      head(conv('post', 3, ap(L.concatenate({ name: 'cat', axis: -1 }), [conv('a', 4, x), conv('b', 6, x)]))),
    );
    const gb = analyze(m).groups.find((x) => x.id === 'b')!;
    const into = member(gb.members, 'post/kernel', 2)!;
    expect(into.offset).toBe(4);
    expect(memberIndices(into, [0, 5])).toEqual([4, 9]);
    expect((await expectEquivalent(m)).get('post')![0]).toEqual([3, 3, 5, 2]);
    const m2 = net([6, 6, 3], (x) =>
      head(conv('post', 3, ap(L.concatenate({ name: 'cat', axis: 1 }), [conv('a', 4, x), conv('b', 4, x)]))),
    );
    expect(analyze(m2).groups.find((x) => x.roots.includes('a'))!.roots).toEqual(['a', 'b']);
    await expectEquivalent(m2);
  });

  it('pooling, padding, cropping, up-sampling, dropout and activations pass channels through', async () => {
    const m = net([8, 8, 3], (x) => {
      let y = conv('c1', 6, x);
      y = ap(L.maxPooling2d({ name: 'mp', poolSize: 2 }), y);
      y = ap(L.zeroPadding2d({ name: 'pad', padding: 1 }), y);
      y = ap(
        L.cropping2D({
          name: 'crop',
          cropping: [
            [1, 1],
            [1, 1],
          ],
        }),
        y,
      );
      y = ap(L.upSampling2d({ name: 'up', size: [2, 2] }), y);
      y = ap(L.averagePooling2d({ name: 'avg', poolSize: 2 }), y);
      y = ap(L.dropout({ name: 'drop', rate: 0.2 }), y);
      y = ap(L.activation({ name: 'act', activation: 'tanh' }), y);
      y = ap(L.reLU({ name: 'relu' }), y);
      y = ap(L.elu({ name: 'elu' }), y);
      y = ap(L.leakyReLU({ name: 'leaky' }), y);
      const g = ap(L.globalMaxPooling2d({ name: 'gmp' }), y);
      return ap(L.dense({ name: 'out', units: 2 }), ap(L.dense({ name: 'fc', units: 4 }), g));
    });
    const g = analyze(m).groups.find((x) => x.id === 'c1')!;
    const through = new Set(g.members.filter((x) => x.role === 'through').map((x) => x.node));
    for (const n of ['mp', 'pad', 'crop', 'up', 'avg', 'drop', 'act', 'relu', 'elu', 'leaky', 'gmp'])
      expect(through.has(n)).toBe(true);
    expect(member(g.members, 'fc/kernel', 0)).toBeDefined();
    expect((await expectEquivalent(m)).get('fc')![0]).toEqual([3, 2]);
  });

  it('softmax across channels freezes the group (it mixes channels)', async () => {
    const m = net([6, 6, 3], (x) =>
      head(conv('c2', 3, ap(L.activation({ name: 'sm', activation: 'softmax' }), conv('c1', 4, x)))),
    );
    expect(analyze(m).frozen.find((f) => f.id === 'c1')!.reason).toMatch(/softmax/);
    await expectEquivalent(m);
  });

  it('Flatten → Dense: one channel is its spatial positions (stride C, repeat H·W)', async () => {
    const m = net([3, 3, 2], (x) =>
      ap(L.dense({ name: 'out', units: 2 }), ap(L.flatten({ name: 'flat' }), conv('c1', 4, x))),
    );
    const g = analyze(m).groups.find((x) => x.id === 'c1')!;
    const into = member(g.members, 'out/kernel', 0)!;
    expect(into).toMatchObject({ stride: 4, repeat: 9 });
    expect(memberIndices(into, [1])).toEqual([1, 5, 9, 13, 17, 21, 25, 29, 33]);
    expect((await expectEquivalent(m)).get('out')![0]).toEqual([18, 2]);
  });

  it('Reshape keeping the channel axis last (SE style) or flattening is followed; other reshapes freeze', async () => {
    const m = net([3, 3, 2], (x) => {
      const c = conv('c1', 4, x);
      const r = ap(L.reshape({ name: 'r1', targetShape: [9, 4] }), c);
      const f = ap(L.reshape({ name: 'r2', targetShape: [36] }), r);
      return ap(L.dense({ name: 'out', units: 2 }), f);
    });
    expect(analyze(m).groups.map((g) => g.id)).toEqual(['c1']);
    expect((await expectEquivalent(m)).get('out')![0]).toEqual([18, 2]);
    const odd = net([3, 3, 2], (x) =>
      ap(
        L.dense({ name: 'out', units: 2 }),
        ap(L.reshape({ name: 'r', targetShape: [12, 3] }), conv('c1', 4, x)),
      ),
    );
    expect(analyze(odd).frozen.find((f) => f.id === 'c1')!.reason).toMatch(/'r' reshapes/);
  });

  it('PReLU: per-channel alpha is cut with the channels; an alpha shared across channels is left alone', async () => {
    const m = net([6, 6, 3], (x) => head(conv('c2', 3, ap(L.prelu({ name: 'pr' }), conv('c1', 4, x)))));
    expect(member(analyze(m).groups.find((x) => x.id === 'c1')!.members, 'pr/alpha')).toMatchObject({
      axis: 2,
      role: 'through',
    });
    expect((await expectEquivalent(m)).get('pr')![0]).toEqual([6, 6, 2]);
    const sp = net([6, 6, 3], (x) =>
      head(conv('c2', 3, ap(L.prelu({ name: 'pr', sharedAxes: [1, 2] }), conv('c1', 4, x)))),
    );
    expect((await expectEquivalent(sp)).get('pr')![0]).toEqual([1, 1, 2]);
    const s = net([6, 6, 3], (x) =>
      head(conv('c2', 3, ap(L.prelu({ name: 'pr', sharedAxes: [3] }), conv('c1', 4, x)))),
    );
    expect(member(analyze(s).groups.find((x) => x.id === 'c1')!.members, 'pr/alpha')).toBeUndefined();
    await expectEquivalent(s);
  });

  it('squeeze-excite: GAP → dense → dense → reshape → Multiply joins the expand dense to the block', async () => {
    const m = net([6, 6, 3], (x) => {
      const c = conv('c1', 8, x);
      const s = ap(L.globalAveragePooling2d({ name: 'gap' }), c);
      const r = ap(L.dense({ name: 'reduce', units: 2, activation: 'relu' }), s);
      const e = ap(L.dense({ name: 'expand', units: 8, activation: 'sigmoid' }), r);
      const scaled = ap(L.multiply({ name: 'scale' }), [
        c,
        ap(L.reshape({ name: 'rs', targetShape: [1, 1, 8] }), e),
      ]);
      return head(conv('c2', 3, scaled));
    });
    const g = analyze(m).groups.find((x) => x.id.startsWith('c1'))!;
    expect(g.roots).toEqual(['c1', 'expand']);
    expect(member(g.members, 'reduce/kernel', 0)).toBeDefined();
    const shapes = await expectEquivalent(m);
    expect(shapes.get('expand')![0]).toEqual([1, 4]);
  });

  it('several outputs: every output keeps its channels unless pruneOutputs', async () => {
    const m = net([6, 6, 3], (x) => {
      const c = conv('c1', 4, x);
      return [head(c), conv('aux', 3, c)];
    });
    const a = analyze(m);
    expect(a.groups.map((g) => g.id)).toEqual(['c1']);
    expect(
      a.frozen
        .filter((f) => /model output/.test(f.reason))
        .map((f) => f.id)
        .sort(),
    ).toEqual(['aux', 'out']);
    expect(analyze(m, { pruneOutputs: true }).groups.map((g) => g.id)).toEqual(['c1', 'out', 'aux']);
    await expectEquivalent(m);
  });

  it('a nested model kept whole (opaque) is refused by the analysis with a clear message unless ignored (nested_models.test.ts: flattened)', async () => {
    const inner = tfl.sequential({
      name: 'inner',
      layers: [L.conv2d({ name: 'ic', filters: 3, kernelSize: 1, inputShape: [6, 6, 4] })],
    });
    const m = net([6, 6, 3], (x) => head(ap(inner as unknown as tfl.layers.Layer, conv('c1', 4, x))));
    const graph: ModelGraph = buildGraph(m, { opaque: ['inner'] });
    expect(graph.hasNode('ic')).toBe(false);
    expect(() => analyzeChannels(graph)).toThrow(UnsupportedLayerError);
    expect(() => analyzeChannels(graph)).toThrow(/'inner'.*ignore: \['inner'\].*nested models/);
    const a = analyzeChannels(graph, { ignore: ['inner'] });
    expect(a.frozen.find((f) => f.id === 'c1')!.reason).toMatch(/ignored/);
  });

  it('Sequential models: the same analysis and surgery', async () => {
    const m = tfl.sequential({
      layers: [
        L.conv2d({ name: 'c1', filters: 6, kernelSize: 3, inputShape: [6, 6, 2], activation: 'relu' }),
        L.batchNormalization({ name: 'bn' }),
        L.maxPooling2d({ name: 'mp', poolSize: 2 }),
        L.flatten({ name: 'flat' }),
        L.dense({ name: 'fc', units: 5, activation: 'relu' }),
        L.dense({ name: 'out', units: 2 }),
      ],
    });
    seed(m);
    open.push(m);
    expect(analyze(m).groups.map((g) => g.id)).toEqual(['c1', 'fc']);
    const shapes = await expectEquivalent(m);
    expect(shapes.get('c1')![0]).toEqual([3, 3, 2, 3]);
    expect(shapes.get('fc')![0]).toEqual([12, 3]);
  });

  it('custom specs plug in per call; bad removals are refused naming the layer', async () => {
    const m = net([6, 6, 3], (x) => head(conv('c2', 3, ap(L.reLU({ name: 'relu' }), conv('c1', 4, x)))));
    const mixing = weightless('ReLU', {
      analyze: (ctx) => {
        ctx.freeze(ctx.inputs[0], 'custom rule says no');
        return { output: ctx.inputs[0] };
      },
    });
    expect(analyze(m, { specs: [mixing] }).frozen.find((f) => f.id === 'c1')!.reason).toBe(
      'custom rule says no',
    );
    const a = analyze(m);
    await expect(removeChannels(a, new Map([['c1', [0, 1, 2, 3]]]))).rejects.toThrow(
      /would empty layer\(s\) 'c1'/,
    );
    await expect(removeChannels(a, new Map([['c1', [4]]]))).rejects.toThrow(InvalidArgumentError);
    await expect(removeChannels(a, new Map([['out', [0]]]))).rejects.toThrow(/model output/);
  });
});
