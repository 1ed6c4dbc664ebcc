import {
  ModelFormatError,
  PrunekitError,
  ShapeError,
  UnknownLayerError,
  UnsupportedLayerError,
} from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import {
  buildGraph,
  getLayerSpec,
  passThrough,
  registerLayerSpec,
  SharedLayerError,
  unregisterLayerSpec,
} from '../src/index.js';
import {
  customLayerFixture,
  disposedAfterEach,
  functionalFixture,
  noLeaks,
  sequentialFixture,
  tf,
  tfl,
} from './fixtures.js';

const keep = disposedAfterEach();

describe('buildGraph on a Sequential model', () => {
  it('adds the implicit InputLayer and lists nodes in order', async () => {
    const model = keep(sequentialFixture());
    const g = await noLeaks(() => buildGraph(model));
    expect(tf.getBackend()).toBe('cpu');
    expect(g.nodes.map((n) => n.className)).toEqual([
      'InputLayer',
      'Conv2D',
      'BatchNormalization',
      'DepthwiseConv2D',
      'Flatten',
      'Dropout',
      'Dense',
    ]);
    const input = g.nodes[0];
    expect(g.inputs).toEqual([input.name]);
    expect(g.outputs).toEqual(['logits']);
    expect(g.node('c1').inputs).toEqual([input.name]);
    expect(g.node('logits').inputs).toEqual(['drop']);
    expect(g.node('c1').inputShapes).toEqual([[null, 8, 8, 3]]);
    expect(g.node('c1').outputShape).toEqual([null, 6, 6, 4]);
    expect(g.source).toBe(model);
  });

  it('counts MACs by hand on small layers', () => {
    const g = buildGraph(keep(sequentialFixture()));
    expect(g.node('c1').macs).toBe(6 * 6 * 4 * 3 * 3 * 3); // outH·outW·outC·kh·kw·inC
    expect(g.node('bn').macs).toBe(0);
    expect(g.node('dw').macs).toBe(4 * 4 * 8 * 3 * 3); // depthwise: one input channel per output
    expect(g.node('flat').macs).toBe(0);
    expect(g.node('logits').macs).toBe(128 * 2);
  });

  it('describes parameters with roles, axes and prunability', () => {
    const g = buildGraph(keep(sequentialFixture()));
    const byId = Object.fromEntries(g.params().map((p) => [p.id, p]));
    expect(Object.keys(byId)).toEqual([
      'c1/kernel',
      'c1/bias',
      'bn/gamma',
      'bn/beta',
      'bn/moving_mean',
      'bn/moving_variance',
      'dw/depthwise_kernel',
      'dw/bias',
      'logits/kernel',
      'logits/bias',
    ]);
    expect(byId['c1/kernel']).toMatchObject({
      role: 'kernel',
      shape: [3, 3, 3, 4],
      inAxis: 2,
      outAxis: 3,
      prunable: true,
      node: 'c1',
      name: 'kernel',
    });
    expect(byId['c1/bias']).toMatchObject({ role: 'bias', outAxis: 0, prunable: false });
    expect(byId['bn/moving_variance']).toMatchObject({ role: 'movingVariance', outAxis: 0, prunable: false });
    expect(byId['dw/depthwise_kernel']).toMatchObject({ role: 'depthwiseKernel', inAxis: 2, prunable: true });
    expect(byId['logits/kernel']).toMatchObject({ role: 'kernel', inAxis: 0, outAxis: 1, shape: [128, 2] });
    expect(g.params((p) => p.prunable).map((p) => p.id)).toEqual([
      'c1/kernel',
      'dw/depthwise_kernel',
      'logits/kernel',
    ]);
  });
});

describe('buildGraph on a functional model', () => {
  it('walks inbound nodes into a topological order with residual Add and Concatenate', () => {
    const g = buildGraph(keep(functionalFixture()));
    const names = g.nodes.map((n) => n.name);
    expect(names).toEqual(['x', 'a', 'r', 'b', 'add', 'c', 'cat', 'gap', 'out']);
    names.forEach((n, i) => {
      for (const p of g.node(n).inputs) expect(names.indexOf(p)).toBeLessThan(i);
    });
    expect(g.node('add').inputs).toEqual(['a', 'b']);
    expect(g.node('cat').inputs).toEqual(['add', 'c']);
    expect(g.consumers('a').map((n) => n.name)).toEqual(['r', 'add']);
    expect(g.consumers('add').map((n) => n.name)).toEqual(['c', 'cat']);
    expect(g.inputs).toEqual(['x']);
    expect(g.outputs).toEqual(['out']);
    expect(g.node('cat').outputShape).toEqual([null, 8, 8, 6]);
  });

  it('counts MACs of same-padded and 1x1 convs and of the dense head', () => {
    const g = buildGraph(keep(functionalFixture()));
    expect(g.node('a').macs).toBe(8 * 8 * 4 * 3 * 3 * 3);
    expect(g.node('b').macs).toBe(8 * 8 * 4 * 3 * 3 * 4);
    expect(g.node('c').macs).toBe(8 * 8 * 2 * 1 * 1 * 4);
    expect(g.node('out').macs).toBe(6 * 3);
    for (const n of ['x', 'r', 'add', 'cat', 'gap']) expect(g.node(n).macs).toBe(0);
  });

  it('counts a Dense on a rank-3 input once per position', () => {
    const m = keep(
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5, 3], units: 4, name: 'd' })] }),
    );
    expect(buildGraph(m).node('d').macs).toBe(5 * 3 * 4);
  });
});

describe('unsupported and shared layers', () => {
  const withCustom = () => keep(customLayerFixture());

  it('throws UnsupportedLayerError naming the layer and class', () => {
    const m = withCustom();
    let err: unknown;
    try {
      buildGraph(m);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedLayerError);
    expect((err as PrunekitError).code).toBe('E_UNSUPPORTED_LAYER');
    expect((err as Error).message).toContain("Layer 'scale'");
    expect((err as Error).message).toContain("'PrunekitTestScale'");
  });

  it('keeps a layer listed in opts.opaque as an opaque node', () => {
    const g = buildGraph(withCustom(), { opaque: ['scale'] });
    const node = g.node('scale');
    expect(node.className).toBe('PrunekitTestScale');
    expect(node.macs).toBe(0);
    expect(node.inputs).toEqual(['d0']);
    expect(node.params.map((p) => p.id)).toEqual(['scale/scale', 'scale/shift']);
    for (const p of node.params) expect(p).toMatchObject({ role: 'other', prunable: false });
    expect(g.node('d').macs).toBe(4 * 2);
    expect(g.weights.values('scale/scale')).toEqual(new Float32Array([1, 1, 1, 1]));
  });

  it('refuses an opaque name that is no layer', () => {
    expect(() => buildGraph(withCustom(), { opaque: ['nope'] })).toThrow(UnknownLayerError);
  });

  it('accepts a registered spec for a custom class, and forgets it when unregistered', () => {
    const m = withCustom();
    registerLayerSpec({
      format: 'layers',
      name: 'PrunekitTestScale',
      params: { scale: { role: 'gamma', outAxis: 0, inAxis: 0 } },
      macs: () => 7,
      structured: passThrough,
    });
    try {
      const g = buildGraph(m);
      expect(g.node('scale').macs).toBe(7);
      expect(g.param('scale/scale')).toMatchObject({ role: 'gamma', outAxis: 0, prunable: false });
      expect(g.param('scale/shift').role).toBe('other');
    } finally {
      unregisterLayerSpec('PrunekitTestScale');
    }
    expect(getLayerSpec('PrunekitTestScale')).toBeUndefined();
    expect(() => buildGraph(m)).toThrow(UnsupportedLayerError);
  });

  it('refuses a model that is not built yet', () => {
    const m = keep(tfl.sequential({ name: 'empty' }));
    expect(() => buildGraph(m)).toThrow(/Model 'empty' has no outputs yet/);
  });

  it('refuses a layer called twice (shared weights) with a typed error', () => {
    const x = tfl.input({ shape: [4], name: 'x' });
    const shared = tfl.layers.dense({ units: 4, name: 'shared' });
    const y = shared.apply(shared.apply(x)) as tfl.SymbolicTensor;
    const m = keep(tfl.model({ inputs: x, outputs: y }));
    expect(() => buildGraph(m)).toThrow(SharedLayerError);
    expect(() => buildGraph(m)).toThrow(/'shared'.*called 2 times/);
  });
});

describe('weight store', () => {
  it('reads copies, hands out the live variable, and assigns with a shape check', async () => {
    const g = buildGraph(keep(functionalFixture()));
    await noLeaks(() => {
      const v = g.weights.values('a/kernel');
      expect(v.length).toBe(3 * 3 * 3 * 4);
      v[0] = 12345;
      expect(g.weights.values('a/kernel')[0]).not.toBe(12345);
      const live = g.weights.tensor('a/kernel');
      expect(live.shape).toEqual([3, 3, 3, 4]);
      expect(g.weights.tensor('a/kernel')).toBe(live);

      const next = tf.fill([3, 3, 3, 4], 0.5);
      g.weights.assign('a/kernel', next);
      next.dispose();
      expect(Array.from(g.weights.values('a/kernel').slice(0, 3))).toEqual([0.5, 0.5, 0.5]);

      const bad = tf.zeros([3, 3, 3, 5]);
      expect(() => g.weights.assign('a/kernel', bad)).toThrow(ShapeError);
      expect(() => g.weights.assign('a/kernel', bad)).toThrow(/'a\/kernel'.*\[3,3,3,4\]/);
      bad.dispose();
      expect(() => g.weights.values('a/nope')).toThrow(/No weight 'a\/nope'/);
    });
  });

  it('writes into the model that predicts with it', async () => {
    const model = keep(functionalFixture());
    const g = buildGraph(model);
    await noLeaks(() => {
      const zeros = tf.zeros([6, 3]);
      g.weights.assign('out/kernel', zeros);
      zeros.dispose();
      const x = tf.ones([1, 8, 8, 3]);
      const y = model.predict(x) as tf.Tensor;
      expect(Array.from(y.dataSync())).toEqual([0, 0, 0]);
      tf.dispose([x, y]);
    });
  });
});

it('exports a typed error class hierarchy', () => {
  expect(new SharedLayerError('l', 'Dense', 2)).toBeInstanceOf(PrunekitError);
  expect(ModelFormatError).toBeDefined();
});
