// Nested models (a Sequential or functional model used as a layer, the transfer-learning shape):
// flattened into one graph, pruned through (groups cross the boundary), and the pruned model
// agrees with the original nested model whose removed channels are zeroed in place.
import { type ModelGraph, UnknownLayerError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  analyzeChannels,
  buildGraph,
  foldBatchNorm,
  maskedModel,
  modelArtifacts,
  modelVariables,
  NestedModelError,
  planBatchNormFolds,
  readMasks,
  removeChannels,
  zeroChannels,
} from '../src/index.js';
import { disposedAfterEach, onCpu } from './fixtures.js';
import { seed } from './structured_helpers.js';

type T = tfl.SymbolicTensor;
const L = tfl.layers;
const ap = (l: tfl.layers.Layer, x: T | T[]) => l.apply(x) as T;
const conv = (name: string, filters: number, extra: Record<string, unknown> = {}) =>
  L.conv2d({ name, filters, kernelSize: 3, padding: 'same', ...extra });
const keep = disposedAfterEach();
onCpu();

/** input → c1 → inner Sequential (ic1 → bn → relu → ic2) → c2 → gap → out */
function sequentialInFunctional(): tfl.LayersModel {
  const inner = tfl.sequential({
    name: 'inner',
    layers: [
      conv('ic1', 6, { inputShape: [8, 8, 4] }),
      L.batchNormalization({ name: 'ibn' }),
      L.reLU({ name: 'irelu' }),
      conv('ic2', 5, { strides: 2 }),
    ],
  });
  const x = tfl.input({ shape: [8, 8, 3], name: 'input' });
  const y = ap(inner as unknown as tfl.layers.Layer, ap(conv('c1', 4), x));
  const out = ap(
    L.dense({ name: 'out', units: 3 }),
    ap(L.globalAveragePooling2d({ name: 'gap' }), ap(conv('c2', 4), y)),
  );
  const m = keep(tfl.model({ inputs: x, outputs: out, name: 'outer' }));
  seed(m);
  return m;
}

/** A functional backbone with a residual add, itself holding a functional block, inside a functional model. */
function functionalInFunctional(): tfl.LayersModel {
  const bi = tfl.input({ shape: [8, 8, 4], name: 'block_in' });
  const block = tfl.model({
    inputs: bi,
    outputs: ap(L.add({ name: 'badd' }), [
      ap(conv('bc2', 4), ap(conv('bc1', 6, { activation: 'relu' }), bi)),
      bi,
    ]),
    name: 'block',
  });
  const ki = tfl.input({ shape: [8, 8, 3], name: 'backbone_in' });
  const stem = ap(conv('stem', 4, { activation: 'relu' }), ki);
  const backbone = tfl.model({
    inputs: ki,
    outputs: ap(conv('kc', 6, { strides: 2 }), ap(block as unknown as tfl.layers.Layer, stem)),
    name: 'backbone',
  });
  const x = tfl.input({ shape: [8, 8, 3], name: 'input' });
  const f = ap(L.globalAveragePooling2d({ name: 'gap' }), ap(backbone as unknown as tfl.layers.Layer, x));
  const out = ap(
    L.dense({ name: 'out', units: 2 }),
    ap(L.dense({ name: 'fc', units: 5, activation: 'relu' }), f),
  );
  const m = keep(tfl.model({ inputs: x, outputs: out, name: 'classifier' }));
  seed(m);
  return m;
}

/** A functional backbone as the first layer of a Sequential (tfjs wires the Sequential through it). */
function functionalInSequential(): tfl.LayersModel {
  const ki = tfl.input({ shape: [6, 6, 3], name: 'backbone_in' });
  const backbone = tfl.model({
    inputs: ki,
    outputs: ap(conv('kc2', 5), ap(conv('kc1', 4), ki)),
    name: 'backbone',
  });
  const m = keep(
    tfl.sequential({
      name: 'seq',
      layers: [backbone, L.globalAveragePooling2d({ name: 'gap' }), L.dense({ name: 'out', units: 2 })],
    }),
  );
  seed(m);
  return m;
}

const inputsFor = (m: tfl.LayersModel) =>
  m.inputs.map((t, i) => tf.randomNormal([2, ...(t.shape.slice(1) as number[])], 0, 1, 'float32', 7 + i));
const run = (m: tfl.LayersModel, xs: tf.Tensor[]) =>
  tf.tidy(() => Array.from((m.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor).dataSync()));
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

/**
 * Removes every other channel of every prunable group, then checks the pruned model against the
 * original nested model with the same channels zeroed in place (through the graph's weight store).
 */
async function expectPrunedEqualsZeroedOriginal(
  model: tfl.LayersModel,
  graph: ModelGraph = buildGraph(model),
) {
  const analysis = analyzeChannels(graph);
  const removal = new Map(
    analysis.groups
      .map((g) => [g.id, [...Array(g.size).keys()].filter((c) => c % 2 === 1)] as [string, number[]])
      .filter(([, c]) => c.length > 0),
  );
  const pruned = keep(await removeChannels(analysis, removal));
  const zeroed = keep(await zeroChannels(analysis, removal));
  const xs = inputsFor(model);
  const dense = run(model, xs);
  // The flat model behind the graph computes what the nested original computes.
  expect(maxDiff(run(graph.source as tfl.LayersModel, xs), dense)).toBeLessThanOrEqual(1e-5);
  const zeroedVars = modelVariables(zeroed);
  for (const p of graph.params()) graph.weights.assign(p.id, zeroedVars.get(p.id)!.read());
  const masked = run(model, xs);
  const out = run(pruned, xs);
  expect(maxDiff(out, masked)).toBeLessThanOrEqual(1e-4);
  expect(maxDiff(out, dense)).toBeGreaterThan(1e-3); // channels really went
  tf.dispose(xs);
  return { analysis, pruned, removal };
}

describe('nested models are flattened into the graph', () => {
  it('Sequential in functional: inner layers are nodes with a scope, groups cross the boundary, surgery == zeroed original', async () => {
    const before = tf.memory().numTensors;
    const m = sequentialInFunctional();
    const graph = buildGraph(m);
    expect(graph.nodes.map((n) => n.name)).toEqual([
      'input',
      'c1',
      'ic1',
      'ibn',
      'irelu',
      'ic2',
      'c2',
      'gap',
      'out',
    ]);
    expect(graph.node('ic1').scope).toEqual(['inner']);
    expect(graph.node('c1').scope).toBeUndefined();
    expect(graph.params().map((p) => p.id)).toContain('ic1/kernel'); // scorers see the inner params
    const analysis = analyzeChannels(graph);
    const c1 = analysis.groups.find((g) => g.id === 'c1')!;
    expect(c1.members.find((x) => x.param === 'ic1/kernel')).toMatchObject({ axis: 2, role: 'in' });
    const ic2 = analysis.groups.find((g) => g.id === 'ic2')!;
    expect(ic2.members.find((x) => x.param === 'c2/kernel')).toMatchObject({ axis: 2, role: 'in' });
    const { pruned } = await expectPrunedEqualsZeroedOriginal(m, graph);
    const shapes = new Map(pruned.layers.map((l) => [l.name, l.getWeights().map((w) => w.shape)]));
    expect(shapes.get('ic1')![0]).toEqual([3, 3, 2, 3]);
    expect(shapes.get('ibn')![0]).toEqual([3]);
    expect(shapes.get('c2')![0]).toEqual([3, 3, 3, 2]);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('functional in functional, two levels deep, with a residual add inside: surgery == zeroed original', async () => {
    const before = tf.memory().numTensors;
    const m = functionalInFunctional();
    const graph = buildGraph(m);
    expect(graph.node('bc1').scope).toEqual(['backbone', 'block']);
    expect(graph.node('kc').scope).toEqual(['backbone']);
    const { analysis } = await expectPrunedEqualsZeroedOriginal(m, graph);
    // The residual add couples stem and bc2 into one group (stem's channels reach bc2 through the block input).
    const g = analysis.groups.find((x) =>
      x.members.some((y) => y.param === 'bc2/kernel' && y.role === 'out'),
    )!;
    expect(g.members.some((y) => y.param === 'stem/kernel' && y.role === 'out')).toBe(true);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a functional backbone as the first layer of a Sequential', async () => {
    const before = tf.memory().numTensors;
    const m = functionalInSequential();
    const graph = buildGraph(m);
    expect(graph.nodes.map((n) => n.name)).toEqual(['backbone_in', 'kc1', 'kc2', 'gap', 'out']);
    await expectPrunedEqualsZeroedOriginal(m, graph);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the pruned model saves and loads with stock tf.loadLayersModel (flat), and the original still saves nested', async () => {
    const before = tf.memory().numTensors;
    const m = sequentialInFunctional();
    const { pruned } = await expectPrunedEqualsZeroedOriginal(m);
    const saved = await modelArtifacts(pruned); // what model.save hands any IO handler
    const loaded = keep(await tfl.loadLayersModel(tf.io.fromMemory(saved)));
    expect(loaded.layers.some((l) => l.getClassName() === 'Sequential')).toBe(false);
    const xs = inputsFor(m);
    expect(maxDiff(run(loaded, xs), run(pruned, xs))).toBeLessThanOrEqual(1e-6);
    const original = await modelArtifacts(m);
    const reread = keep(await tfl.loadLayersModel(tf.io.fromMemory(original)));
    expect(reread.layers.map((l) => l.getClassName())).toContain('Sequential');
    expect(maxDiff(run(reread, xs), run(m, xs))).toBeLessThanOrEqual(1e-6);
    tf.dispose(xs);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('foldBatchNorm folds a BatchNormalization inside a nested model (flat result, same outputs)', async () => {
    const before = tf.memory().numTensors;
    const m = sequentialInFunctional();
    expect(planBatchNormFolds(m).map((f) => [f.bn, f.into])).toEqual([['ibn', 'ic1']]);
    const folded = keep(await foldBatchNorm(m));
    expect(folded.layers.map((l) => l.name)).not.toContain('ibn');
    const xs = inputsFor(m);
    expect(maxDiff(run(folded, xs), run(m, xs))).toBeLessThanOrEqual(1e-4);
    tf.dispose(xs);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ignore: [nested model] freezes every layer inside (MACs still count); opaque: [...] keeps it one node', () => {
    const before = tf.memory().numTensors;
    const m = sequentialInFunctional();
    const graph = buildGraph(m);
    const a = analyzeChannels(graph, { ignore: ['inner'] });
    expect(a.groups.map((g) => g.id).filter((id) => id.startsWith('ic'))).toEqual([]);
    expect(a.frozen.find((f) => f.id === 'ic1')!.reason).toMatch(/ignored/);
    expect(graph.node('ic1').macs).toBeGreaterThan(0);
    expect(
      buildGraph(m, { ignore: ['inner'] })
        .node('ic1')
        .params.every((p) => p.prunable === p.id.endsWith('kernel')),
    ).toBe(true);
    const whole = buildGraph(m, { opaque: ['inner'] });
    expect(whole.nodes.map((n) => n.name)).toEqual(['input', 'c1', 'inner', 'c2', 'gap', 'out']);
    expect(() => analyzeChannels(graph, { ignore: ['nope'] })).toThrow(UnknownLayerError);
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('masks from the flat graph apply to the nested model (maskedModel), the input left as it was', async () => {
    const before = tf.memory().numTensors;
    const m = sequentialInFunctional();
    const graph = buildGraph(m);
    const w = graph.weights.values('ic1/kernel');
    const mask = Uint8Array.from(w, (v) => (Math.abs(v) > 0.3 ? 1 : 0));
    const masks = readMasks(graph);
    expect([...masks.keys()]).toContain('ic1/kernel');
    masks.set('ic1/kernel', { shape: [...graph.param('ic1/kernel').shape], data: mask });
    const masked = await maskedModel(m, masks);
    keep(masked.model);
    const got = modelVariables(masked.model).get('ic1/kernel')!.read().dataSync();
    expect(mask.some((k) => k === 0) && mask.some((k) => k === 1)).toBe(true);
    expect(Array.from(got).every((v, i) => v === (mask[i] ? w[i] : 0))).toBe(true);
    expect(Array.from(graph.weights.values('ic1/kernel'))).toEqual(Array.from(w)); // the input model is untouched
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a nested model called twice (shared weights) and layer names that collide once flat', () => {
    const before = tf.memory().numTensors;
    const shared = tfl.sequential({ name: 'shared', layers: [conv('sc', 3, { inputShape: [6, 6, 3] })] });
    const x = tfl.input({ shape: [6, 6, 3], name: 'input' });
    const twice = keep(
      tfl.model({
        inputs: x,
        outputs: ap(L.add({ name: 'sum' }), [
          ap(shared as unknown as tfl.layers.Layer, x),
          ap(shared as unknown as tfl.layers.Layer, ap(conv('pre', 3), x)),
        ]),
      }),
    );
    keep(shared); // tfjs: a model used twice as a layer keeps one count after the outer model's dispose
    expect(() => buildGraph(twice)).toThrow(NestedModelError);
    expect(() => buildGraph(twice)).toThrow(
      /'shared' is called more than once.*one copy of the inner model per call/,
    );
    const inner = tfl.sequential({ name: 'inner2', layers: [conv('dup', 3, { inputShape: [6, 6, 3] })] });
    const y = tfl.input({ shape: [6, 6, 3], name: 'input' });
    const clash = keep(
      tfl.model({ inputs: y, outputs: ap(conv('dup', 2), ap(inner as unknown as tfl.layers.Layer, y)) }),
    );
    expect(() => buildGraph(clash)).toThrow(/Two layers are named 'dup'.*Rename one/);
    try {
      buildGraph(clash);
    } catch (e) {
      expect((e as NestedModelError).code).toBe('E_UNSUPPORTED_LAYER');
    }
    keep.disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });
});
