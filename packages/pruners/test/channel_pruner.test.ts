import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidArgumentError,
  type ModelGraph,
  UnknownLayerError,
  UnsupportedLayerError,
} from '@prunekit/core';
import { analyzeChannels, buildGraph } from '@prunekit/layers';
import { saveModel } from '@prunekit/layers/node';
import { magnitude } from '@prunekit/scorers';
import { describePrunerConformance, modelFixture, residualModel, seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelPruner, roundKeep, selectGlobalChannels, stepRatio } from '../src/index.js';

type T = tfl.SymbolicTensor;
const scorer = magnitude({ p: 2, reduction: 'sum', normalizer: 'mean' });

/** conv stem → residual block → SE → flatten → dense → dense(logits), plus a second conv output. */
function seNet(seed = 3): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3], name: 'input' });
  const conv = (name: string, filters: number, x: T, k = 3) =>
    tfl.layers.conv2d({ name, filters, kernelSize: k, padding: 'same', activation: 'relu' }).apply(x) as T;
  const stem = conv('stem', 16, input);
  const a = conv('conv_a', 12, stem);
  const b = tfl.layers.conv2d({ name: 'conv_b', filters: 16, kernelSize: 3, padding: 'same' }).apply(a) as T;
  const bn = tfl.layers.batchNormalization({ name: 'bn_b' }).apply(b) as T;
  const sum = tfl.layers.add({ name: 'add' }).apply([stem, bn]) as T;
  const g = tfl.layers.globalAveragePooling2d({ name: 'se_gap' }).apply(sum) as T;
  const r = tfl.layers.dense({ name: 'se_reduce', units: 4, activation: 'relu' }).apply(g) as T;
  const e = tfl.layers.dense({ name: 'se_expand', units: 16, activation: 'sigmoid' }).apply(r) as T;
  const s = tfl.layers.reshape({ name: 'se_reshape', targetShape: [1, 1, 16] }).apply(e) as T;
  const scaled = tfl.layers.multiply({ name: 'se_scale' }).apply([sum, s]) as T;
  const pool = tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(scaled) as T;
  const flat = tfl.layers.flatten({ name: 'flatten' }).apply(pool) as T;
  const fc = tfl.layers.dense({ name: 'fc', units: 10, activation: 'relu' }).apply(flat) as T;
  const logits = tfl.layers.dense({ name: 'logits', units: 4 }).apply(fc) as T;
  const aux = conv('aux', 2, stem, 1);
  const model = tfl.model({ name: 'se_net', inputs: input, outputs: [logits, aux] });
  seedWeights(model, seed);
  return model;
}

function predictAll(model: tfl.LayersModel, x: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const y = model.predict(x);
    return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
  });
}

/** Stock tfjs loading of a saved folder: model.json + shards read by hand, then tf.loadLayersModel. */
async function loadStock(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const paths: string[] = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
  const bytes = Buffer.concat(await Promise.all(paths.map((p) => readFile(join(dir, p)))));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }),
  );
}

const open: tfl.LayersModel[] = [];
const track = (m: tfl.LayersModel) => {
  open.push(m);
  return m;
};
let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});
afterEach(() => {
  for (const m of open.splice(0)) m.dispose();
});

describe('channelPruner', () => {
  it('local ratio: a new smaller model, original untouched, outputs keep their shapes, no leaks', async () => {
    before = tf.memory().numTensors;
    const model = track(seNet());
    const graph = buildGraph(model);
    const snapshot = model.getWeights().map((w) => Array.from(w.dataSync()));
    const pruner = channelPruner(graph, { scorer, ratio: 0.5 });
    expect(pruner.groups.map((g) => g.id)).toEqual(['stem+2', 'conv_a', 'se_reduce', 'fc']);
    const plan = await pruner.plan();
    expect([...plan.channels!].map(([id, c]) => [id, c.length])).toEqual([
      ['stem+2', 8],
      ['conv_a', 6],
      ['se_reduce', 2],
      ['fc', 5],
    ]);
    const res = await pruner.apply(plan);
    track(res.model);
    expect(res.model).not.toBe(model);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(snapshot);
    expect(res.model.getLayer('stem').getWeights()[0].shape).toEqual([3, 3, 3, 8]);
    expect(res.model.getLayer('fc').getWeights()[0].shape).toEqual([16 * 8, 5]);
    expect(res.model.getLayer('logits').getWeights()[0].shape).toEqual([5, 4]);
    expect(res.sparsity).toBeCloseTo(21 / 42, 6);
    const x = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 1);
    const ys = predictAll(res.model, x);
    expect(ys.map((y) => y.length)).toEqual([4, 8 * 8 * 2]);
    x.dispose();
    const report = res.report();
    expect(report.macsReduction).toBeGreaterThan(2);
    expect(report.table).toMatch(/total/);
    for (const m of open.splice(0)) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('global scope ranks across groups and respects maxPerLayer; at least one channel always stays', async () => {
    const model = track(seNet());
    const graph = buildGraph(model);
    const plan = await channelPruner(graph, { scorer, ratio: 0.6, scope: 'global', maxPerLayer: 0.7 }).plan();
    const groups = analyzeChannels(graph).groups;
    let removed = 0;
    for (const g of groups) {
      const n = plan.channels!.get(g.id)?.length ?? 0;
      removed += n;
      expect(n).toBeLessThanOrEqual(Math.floor(g.size * 0.7));
    }
    expect(removed).toBe(Math.floor(0.6 * groups.reduce((a, g) => a + g.size, 0)));
    // maxPerLayer 1 still keeps one channel per group.
    const picks = selectGlobalChannels(
      [{ group: groups[2], scores: new Float32Array(groups[2].size) }],
      0.99,
      1,
      1,
    );
    expect(picks[0].length).toBe(groups[2].size - 1);
  });

  it('ratios per layer, roundTo and the refusals name the layer', async () => {
    const model = track(seNet());
    const graph = buildGraph(model);
    const plan = await channelPruner(graph, {
      scorer,
      ratio: 0.25,
      ratios: { conv_a: 0.5 },
      roundTo: 4,
    }).plan();
    expect(plan.channels!.get('conv_a')!.length).toBe(4); // 12 → keep 6 → rounded up to 8
    expect(plan.channels!.get('stem+2')!.length).toBe(4); // 16 → keep 12
    expect(plan.channels!.has('se_reduce')).toBe(false); // 4 → keep 3 → rounded up to 4
    expect(plan.channels!.get('fc')!.length).toBe(2); // 10 → keep 8
    expect(() => channelPruner(graph, { scorer, ratio: 0.5, ratios: { conv_a: 1 } })).toThrow(/conv_a/);
    expect(() => channelPruner(graph, { scorer, ratio: 0.5, ratios: { nope: 0.1 } })).toThrow(
      UnknownLayerError,
    );
    expect(() => channelPruner(graph, { scorer, ratio: 1 })).toThrow(InvalidArgumentError);
    expect(() => channelPruner(graph, { scorer, ratio: 0.5, ratios: { logits: 0.5 } })).toThrow(
      /logits.*model output/,
    );
  });

  it('interactive mode yields each group with scores; vetoed groups keep their channels', async () => {
    const model = track(seNet());
    const pruner = channelPruner(buildGraph(model), { scorer, ratio: 0.5 });
    const session = pruner.interactive();
    const seen: string[] = [];
    for await (const p of session) {
      seen.push(p.group.id);
      expect(p.scores.length).toBe(p.group.size);
      if (p.group.id === 'conv_a') p.veto();
      if (p.group.id === 'fc') p.replace([0, 1]);
    }
    expect(seen).toEqual(['stem+2', 'conv_a', 'se_reduce', 'fc']);
    const plan = session.plan();
    expect(plan.channels!.has('conv_a')).toBe(false);
    expect(plan.channels!.get('fc')).toEqual([0, 1]);
    const res = await pruner.apply(plan);
    track(res.model);
    expect(res.model.getLayer('conv_a').getWeights()[0].shape[3]).toBe(12);
    expect(res.model.getLayer('fc').getWeights()[0].shape[1]).toBe(8);
  });

  it('iterative steps reach the target ratio through rounds of surgery', async () => {
    expect(stepRatio(0.5, 0, 2)).toBeCloseTo(0.25, 9);
    expect(stepRatio(0.5, 1, 2)).toBeCloseTo(1 / 3, 9);
    const model = track(seNet());
    const res = await channelPruner(buildGraph(model), { scorer, ratio: 0.5, steps: 2 }).run();
    track(res.model);
    expect(res.model.getLayer('conv_a').getWeights()[0].shape[3]).toBe(6);
    expect(res.sparsity).toBeGreaterThan(0.4);
    expect(res.sparsity).toBeLessThan(0.6);
  });

  it('an unsupported layer is refused with its name, class and both ways out; ignoring it works', async () => {
    const input = tfl.input({ shape: [6, 6, 2], name: 'input' });
    const c = tfl.layers.conv2d({ name: 'c', filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as T;
    const p = tfl.layers.permute({ name: 'perm', dims: [2, 1, 3] }).apply(c) as T;
    const g = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(p) as T;
    const d = tfl.layers.dense({ name: 'd', units: 5 }).apply(g) as T;
    const o = tfl.layers.dense({ name: 'out', units: 2 }).apply(d) as T;
    const model = track(tfl.model({ inputs: input, outputs: o }));
    let graph: ModelGraph;
    try {
      graph = buildGraph(model);
    } catch {
      graph = buildGraph(model, { opaque: ['perm'] });
    }
    const err = (() => {
      try {
        channelPruner(graph, { scorer, ratio: 0.5 });
      } catch (e) {
        return e as UnsupportedLayerError;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedLayerError);
    expect(err!.message).toMatch(/'perm'.*'Permute'.*ignore: \['perm'\].*registerLayerSpec/);
    const pruner = channelPruner(graph, { scorer, ratio: 0.5, ignore: ['perm'] });
    expect(pruner.groups.map((x) => x.id)).toEqual(['d']);
  });

  it('a pruned model saved with saveModel loads with stock tf.loadLayersModel and predicts the same', async () => {
    const model = track(seNet());
    const res = await channelPruner(buildGraph(model), { scorer, ratio: 0.5 }).run();
    track(res.model);
    const dir = await mkdtemp(join(tmpdir(), 'prunekit-channel-'));
    try {
      const saved = await saveModel(res.model, join(dir, 'm'));
      const json = JSON.parse(await readFile(join(saved.dir, 'model.json'), 'utf8'));
      const shards = await Promise.all(
        json.weightsManifest
          .flatMap((g: { paths: string[] }) => g.paths)
          .map((p: string) => readFile(join(saved.dir, p))),
      );
      const bytes = Buffer.concat(shards);
      const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
      const loaded = track(
        await tfl.loadLayersModel(
          tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }),
        ),
      );
      expect(loaded.countParams()).toBe(res.model.countParams());
      const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4);
      const a = predictAll(res.model, x);
      const b = predictAll(loaded, x);
      x.dispose();
      expect(a.map((v) => Array.from(v))).toEqual(b.map((v) => Array.from(v)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a pruned SeparableConv2D with multiplier 2 survives saveModel → stock load (tfjs drops the multiplier on its own)', async () => {
    const input = tfl.input({ shape: [6, 6, 3], name: 'input' });
    const c = tfl.layers.conv2d({ name: 'c', filters: 8, kernelSize: 3, padding: 'same' }).apply(input) as T;
    const s = tfl.layers
      .separableConv2d({ name: 'sep', filters: 6, kernelSize: 3, depthMultiplier: 2, padding: 'same' })
      .apply(c) as T;
    const o = tfl.layers
      .dense({ name: 'out', units: 2 })
      .apply(tfl.layers.flatten({ name: 'flat' }).apply(s) as T) as T;
    const model = track(tfl.model({ inputs: input, outputs: o }));
    seedWeights(model, 9);
    const res = await channelPruner(buildGraph(model), { scorer, ratio: 0.5 }).run();
    track(res.model);
    const dir = await mkdtemp(join(tmpdir(), 'prunekit-sep-'));
    try {
      const saved = await saveModel(res.model, join(dir, 'm'));
      const loaded = track(await loadStock(saved.dir));
      expect(loaded.getLayer('sep').getWeights()[0].shape).toEqual([3, 3, 4, 2]);
      const x = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 2);
      const a = predictAll(res.model, x);
      const b = predictAll(loaded, x);
      x.dispose();
      expect(a.map((v) => Array.from(v))).toEqual(b.map((v) => Array.from(v)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('roundKeep rounds kept counts up to multiples', () => {
    expect(roundKeep(5, 16, 4)).toBe(8);
    expect(roundKeep(8, 16, 4)).toBe(8);
    expect(roundKeep(15, 16, 8)).toBe(16);
    expect(roundKeep(3, 6, 1)).toBe(3);
  });
});

describePrunerConformance(
  'channelPruner',
  (graph, seed) => channelPruner(graph, { scorer, ratio: 0.5, seed }),
  { fixture: modelFixture(() => residualModel({ seed: 2 })), kind: 'channels' },
);
