import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  buildGraph,
  FusedConv2D,
  FusedDepthwiseConv2D,
  planFusedLayers,
  toFusedModel,
  toStockModel,
} from '../src/index.js';
import { disposedAfterEach, onCpu, seedLayerWeights } from './fixtures.js';

type T = tfl.SymbolicTensor;
const keep = disposedAfterEach();
onCpu();

/** Every weight drawn from createRng(seed), biases too, so ReLU6 clips at both ends. */
function seed(model: tfl.LayersModel, s: number): void {
  seedLayerWeights(model, s, (_name, rng) => 0.8 * rng.normal());
}

const conv = (x: T, name: string, filters: number, k = 1, o: Partial<tfl.layers.Conv2DLayerArgs> = {}) =>
  tfl.layers.conv2d({ filters, kernelSize: k, padding: 'same', name, ...o }).apply(x) as T;
const relu = (x: T, name: string, maxValue?: number) => tfl.layers.reLU({ maxValue, name }).apply(x) as T;

/**
 * An inverted-residual shape: conv → ReLU6, depthwise (bias) → ReLU6, depthwise (no bias) → ReLU,
 * linear conv + residual Add, a conv read twice (its ReLU6 stays), ReLU(4) (stays), a Conv2D with
 * relu (stays stock), a 'valid' strided depthwise with depthMultiplier 2 and no activation.
 */
function net(): tfl.LayersModel {
  const input = tfl.input({ shape: [9, 9, 4], name: 'input' });
  const e = relu(conv(input, 'expand', 12), 'r_expand', 6);
  const d = relu(
    tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw' }).apply(e) as T,
    'r_dw',
    6,
  );
  const d2 = relu(
    tfl.layers
      .depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw_nobias' })
      .apply(d) as T,
    'r_dw2',
  );
  const p = conv(d2, 'project', 4);
  const sum = tfl.layers.add({ name: 'add' }).apply([input, p]) as T;
  const twice = conv(sum, 'twice', 8, 3);
  const a = relu(twice, 'r_twice', 6);
  const b = relu(twice, 'r_four', 4);
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([a, b]) as T;
  const r = conv(cat, 'stock_relu', 6, 1, { activation: 'relu' });
  const out = tfl.layers
    .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', depthMultiplier: 2, name: 'dw_valid' })
    .apply(r) as T;
  const m = tfl.model({ inputs: input, outputs: out });
  seed(m, 11);
  return m;
}

/** Sequential conv → ReLU6 → flatten (→ `last`), weights from createRng(s). */
function convRelu6Sequential(s: number, ...last: tfl.layers.Layer[]): tfl.Sequential {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 5, kernelSize: 3, padding: 'same', name: 'c' }),
      tfl.layers.reLU({ maxValue: 6, name: 'r' }),
      tfl.layers.flatten({ name: 'f' }),
      ...last,
    ],
  });
  seed(m, s);
  return m;
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const classes = (m: tfl.LayersModel) => Object.fromEntries(m.layers.map((l) => [l.name, l.getClassName()]));

describe('toFusedModel', () => {
  it('fuses ReLU6 into a Conv2D and bias + ReLU(6) into depthwise convs; outputs equal the input model', async () => {
    const before = tf.memory().numTensors;
    const m = keep(net());
    const fused = keep(await toFusedModel(m))!;
    expect(classes(fused)).toMatchObject({
      expand: 'PrunekitFusedConv2D',
      dw: 'PrunekitFusedDepthwiseConv2D',
      dw_nobias: 'PrunekitFusedDepthwiseConv2D',
      project: 'Conv2D',
      twice: 'Conv2D',
      r_twice: 'ReLU',
      r_four: 'ReLU',
      stock_relu: 'Conv2D',
      dw_valid: 'PrunekitFusedDepthwiseConv2D',
    });
    for (const gone of ['r_expand', 'r_dw', 'r_dw2']) expect(classes(fused)[gone]).toBeUndefined();
    expect(planFusedLayers(m).map((f) => [f.layer, f.activation, f.absorbs ?? null])).toEqual([
      ['expand', 'relu6', 'r_expand'],
      ['dw', 'relu6', 'r_dw'],
      ['dw_nobias', 'relu', 'r_dw2'],
      ['dw_valid', 'linear', null],
    ]);
    const x = tf.tidy(() => tf.mul(tf.randomNormal([2, 9, 9, 4], 0, 1, 'float32', 5), 3));
    // Not vacuous: the ReLU6s clip at 6 and at 0.
    const probe = tfl.model({
      inputs: m.inputs,
      outputs: [m.getLayer('r_expand').output as T, m.getLayer('r_dw').output as T],
    });
    for (const y of probe.predict(x) as tf.Tensor[]) {
      const v = y.dataSync();
      expect(v.some((q) => q === 6)).toBe(true);
      expect(v.some((q) => q === 0)).toBe(true);
      y.dispose();
    }
    const want = m.predict(x) as tf.Tensor;
    const got = fused.predict(x) as tf.Tensor;
    expect(maxDiff(got, want)).toBeLessThan(1e-4);
    // Saved and loaded back through tfjs (the fused classes are registered by @prunekit/layers).
    const saved: tf.io.ModelArtifacts[] = [];
    await fused.save(
      tf.io.withSaveHandler(async (a) => {
        saved.push(a);
        return { modelArtifactsInfo: {} as never };
      }),
    );
    const loaded = keep(await tfl.loadLayersModel(tf.io.fromMemory(saved[0])));
    const again = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(again, got)).toBe(0);
    // The fused classes have layer specs (the stock ones'): same MACs and parameters as the input.
    const macs = (mm: tfl.LayersModel) => buildGraph(mm).nodes.reduce((t, n) => t + n.macs, 0);
    expect(macs(fused)).toBe(macs(m));
    expect(fused.countParams()).toBe(m.countParams());
    // The input model is unchanged.
    const still = m.predict(x) as tf.Tensor;
    expect(maxDiff(still, want)).toBe(0);
    tf.dispose([x, want, got, again, still]);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a Sequential model; nothing to fuse gives undefined', async () => {
    const before = tf.memory().numTensors;
    const s = keep(convRelu6Sequential(3, tfl.layers.dense({ units: 3, name: 'd' })));
    const fused = keep(await toFusedModel(s))!;
    expect(fused.layers.map((l) => l.getClassName())).toEqual(['PrunekitFusedConv2D', 'Flatten', 'Dense']);
    const x = tf.tidy(() => tf.mul(tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 2), 3));
    const want = s.predict(x) as tf.Tensor;
    const got = fused.predict(x) as tf.Tensor;
    expect(maxDiff(got, want)).toBeLessThan(1e-4);
    const plain = keep(
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({
            inputShape: [6, 6, 2],
            filters: 5,
            kernelSize: 3,
            activation: 'relu',
            name: 'c',
          }),
          tfl.layers.reLU({ maxValue: 3, name: 'r3' }),
        ],
      }),
    );
    expect(await toFusedModel(plain)).toBeUndefined();
    expect(() => planFusedLayers({} as tfl.LayersModel)).toThrow(InvalidArgumentError);
    tf.dispose([x, want, got]);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the fused layers refuse what their kernels cannot run, with a typed error', () => {
    expect(() => new FusedConv2D({ filters: 2, kernelSize: 1, activation: 'tanh' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new FusedDepthwiseConv2D({ kernelSize: 3, padding: 'causal' as never, name: 'dw' })).toThrow(
      /'dw'.*padding 'causal'/,
    );
  });

  it('toStockModel un-fuses into Conv2D / DepthwiseConv2D + ReLU(6); outputs equal the fused model', async () => {
    const before = tf.memory().numTensors;
    const m = keep(net());
    const fused = keep(await toFusedModel(m))!;
    const r = (await toStockModel(fused))!;
    const stock = keep(r.model);
    expect(r.layers).toEqual(['expand', 'dw', 'dw_nobias', 'dw_valid']);
    const c = classes(stock);
    expect(Object.values(c).filter((k) => k.startsWith('Prunekit'))).toEqual([]);
    expect(c).toMatchObject({
      expand: 'Conv2D',
      expand_relu6: 'ReLU',
      dw: 'DepthwiseConv2D',
      dw_relu6: 'ReLU',
      dw_nobias: 'DepthwiseConv2D',
      dw_valid: 'DepthwiseConv2D',
    });
    expect(c.dw_nobias_relu6).toBeUndefined();
    const cfg = (n: string) => stock.getLayer(n).getConfig();
    expect([cfg('expand').activation, cfg('dw').activation, cfg('dw_nobias').activation]).toEqual([
      'linear',
      'linear',
      'relu',
    ]);
    expect(cfg('expand_relu6').maxValue).toBe(6);
    expect(stock.countParams()).toBe(fused.countParams());
    const x = tf.tidy(() => tf.mul(tf.randomNormal([2, 9, 9, 4], 0, 1, 'float32', 7), 3));
    const want = fused.predict(x) as tf.Tensor;
    const got = stock.predict(x) as tf.Tensor;
    const scale = tf.tidy(() => tf.max(tf.abs(want)).dataSync()[0]);
    expect(scale).toBeGreaterThan(0.1);
    expect(maxDiff(got, want)).toBeLessThan(1e-4 * Math.max(1, scale));
    // A model without fused layers gives undefined; a Sequential one un-fuses too.
    expect(await toStockModel(m)).toBeUndefined();
    const s = keep(convRelu6Sequential(4));
    const sf = keep(await toFusedModel(s))!;
    const ss = keep((await toStockModel(sf))!.model);
    expect(ss.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'ReLU', 'Flatten']);
    const xs = tf.tidy(() => tf.mul(tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 2), 3));
    const ws = s.predict(xs) as tf.Tensor;
    const gs = ss.predict(xs) as tf.Tensor;
    expect(maxDiff(gs, ws)).toBeLessThan(1e-4);
    tf.dispose([x, want, got, xs, ws, gs]);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });
});
