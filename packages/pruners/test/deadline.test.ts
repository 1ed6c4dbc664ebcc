import { InvalidArgumentError } from '@prunekit/core';
import { magnitude } from '@prunekit/scorers';
import { seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLatencyTable,
  deadlinePrune,
  type LatencyEntry,
  type LayerSignature,
  latencyModel,
  parseLatencyTable,
  refineWidths,
  type ScoredWidthGroup,
  widthSearch,
} from '../src/index.js';

const scorer = magnitude({ p: 2, reduction: 'sum', normalizer: 'mean' });

function convNet(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(
    tfl.layers.conv2d({
      name: 'c1',
      inputShape: [12, 12, 3],
      filters: 24,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
    }),
  );
  m.add(tfl.layers.conv2d({ name: 'c2', filters: 48, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tfl.layers.dense({ name: 'fc', units: 32, activation: 'relu' }));
  m.add(tfl.layers.dense({ name: 'logits', units: 5 }));
  seedWeights(m, 11);
  return m;
}

const entry = (ms: number): LatencyEntry => ({ medianMs: ms, p99Ms: ms * 1.2, reps: 1 });
const convShape = (sig: LayerSignature) => {
  const inC = sig.inputShapes[0].at(-1)!;
  const hw = sig.inputShapes[0].slice(1, -1).reduce((a, b) => a * b, 1);
  const out = Number(sig.config.filters ?? sig.config.units ?? inC);
  return { inC, hw, out };
};
/** A device whose kernels work on 8 output channels at a time (a staircase in the output width). */
const outBlocked = (sig: LayerSignature) => {
  const { hw, out } = convShape(sig);
  return entry(
    sig.className === 'Conv2D' || sig.className === 'Dense' ? (Math.ceil(out / 8) * 8 * hw) / 1e2 : 0.01,
  );
};
/** A device whose kernels read 16 input channels at a time (a staircase in the input width). */
const inBlocked = (sig: LayerSignature) => {
  const { inC, hw } = convShape(sig);
  return entry(
    sig.className === 'Conv2D' || sig.className === 'Dense' ? (Math.ceil(inC / 16) * 16 * hw) / 1e2 : 0.01,
  );
};

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('widthSearch', () => {
  it('steps down the cost staircase to the widest width of each stair and loses the least-scored channels', async () => {
    const group = (id: string, size: number) =>
      ({ id, size, roots: [id], members: [] }) as unknown as ScoredWidthGroup['group'];
    const groups: ScoredWidthGroup[] = [
      { group: group('a', 32), scores: Float32Array.from({ length: 32 }, (_, i) => 1 + i) },
      { group: group('b', 32), scores: Float32Array.from({ length: 32 }, (_, i) => 100 + i) },
    ];
    // a's cost falls only every 8 channels; b is expensive to lose (high scores).
    const cost = async (w: ReadonlyMap<string, number>) => Math.ceil(w.get('a')! / 8) * 8 + w.get('b')!;
    const path = await widthSearch(groups, cost, { gridSteps: 32, target: 40 });
    const last = path.at(-1)!;
    expect(last.cost).toBeLessThanOrEqual(40);
    // Every width a visited is a stair's widest point (a multiple of 8), never a plateau width.
    for (const s of path) expect(s.widths.get('a')! % 8).toBe(0);
    // The cheap-to-lose group paid for the whole budget: b (high scores) kept every channel.
    expect(last.widths.get('b')).toBe(32);
    expect(last.lost).toBeGreaterThan(0);
  });
});

describe('refineWidths', () => {
  it('buys back what a run of small greedy steps took once a larger stair made them unneeded', async () => {
    const group = (id: string, size: number) =>
      ({ id, size, roots: [id], members: [] }) as unknown as ScoredWidthGroup['group'];
    const groups: ScoredWidthGroup[] = [
      { group: group('a', 2), scores: Float32Array.from([1.1, 5]) },
      { group: group('b', 4), scores: Float32Array.from([0.2, 0.2, 0.2, 9]) },
    ];
    // a's one stair saves 20 ms for 1.1 of score; each of b's saves 4 ms for 0.2 (a better rate).
    const cost = async (w: ReadonlyMap<string, number>) =>
      80 + 20 * (w.get('a')! - 1) + 4 * (w.get('b')! - 1);
    const opts = { gridSteps: 4, maxPerGroup: 0.75 };
    const path = await widthSearch(groups, cost, { ...opts, target: 96 });
    const walked = path.at(-1)!;
    // The greedy walk takes all of b's stairs first, then still needs a's: both narrowed.
    expect(Object.fromEntries(walked.widths)).toEqual({ a: 1, b: 1 });
    expect(walked.lost).toBeCloseTo(1.7, 6);
    const r = await refineWidths(groups, cost, walked.widths, 96, opts);
    expect(Object.fromEntries(r.widths)).toEqual({ a: 1, b: 4 });
    expect(r.lost).toBeCloseTo(1.1, 6);
    expect(r.cost).toBeLessThanOrEqual(96);
    expect(r.cost).toBe(await cost(r.widths));
  });

  it('exchanges a grid step between groups when widening alone would miss the target', async () => {
    const group = (id: string, size: number) =>
      ({ id, size, roots: [id], members: [] }) as unknown as ScoredWidthGroup['group'];
    const groups: ScoredWidthGroup[] = [
      { group: group('a', 4), scores: Float32Array.from([1, 1, 1, 1]) },
      { group: group('b', 4), scores: Float32Array.from([3, 3, 3, 3]) },
    ];
    const cost = async (w: ReadonlyMap<string, number>) => w.get('a')! + w.get('b')!;
    // Started off badly: b (the costlier score) narrowed, a kept.
    const r = await refineWidths(
      groups,
      cost,
      new Map([
        ['a', 4],
        ['b', 2],
      ]),
      6,
      { gridSteps: 4 },
    );
    expect(Object.fromEntries(r.widths)).toEqual({ a: 2, b: 4 });
    expect(r.lost).toBeCloseTo(2, 6);
  });
});

describe('deadlinePrune', () => {
  it('chooses different widths for the same budget on two recorded device tables, each within its budget', async () => {
    const model = convNet();
    const before = tf.memory().numTensors;
    const plan = async (name: string, measure: (s: LayerSignature) => LatencyEntry) => {
      const table = createLatencyTable(name, 'recorded', 1);
      const dense = latencyModel(createLatencyTable(name, 'recorded', 1), { measure }).predict(model).totalMs;
      const r = await deadlinePrune(model, {
        scorer,
        budget: { ms: dense * 0.75 },
        table,
        measure,
        verify: false,
      });
      const widths = Object.fromEntries(r.widths.map((w) => [w.group, w.kept]));
      expect(r.predictedMs).toBeLessThanOrEqual(dense * 0.75 + 1e-9);
      expect(r.met).toBe(true);
      expect(Object.keys(r.table.entries).length).toBeGreaterThan(3);
      r.model.dispose();
      return widths;
    };
    const webglLike = await plan('webgl', outBlocked);
    const webgpuLike = await plan('webgpu', inBlocked);
    expect(webglLike).not.toEqual(webgpuLike);
    // Each device's widths sit on its own stairs: multiples of 8 where the output width costs,
    // multiples of 16 where a consumer's input width does.
    for (const k of ['c1', 'c2', 'fc']) expect(webglLike[k] % 8).toBe(0);
    for (const k of ['c1', 'c2']) expect(webgpuLike[k] % 16).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('measures on the active backend, builds a smaller model and leaves the input untouched', async () => {
    const model = convNet();
    const w0 = model.getWeights().map((w) => w.dataSync().slice());
    const before = tf.memory().numTensors;
    const r = await deadlinePrune(model, {
      scorer,
      budget: { ms: 1e9, backend: 'cpu' }, // any budget: the measured figures are not asserted
      timing: { reps: 3, warmup: 1 },
      verifyReps: 3,
    });
    expect(r.measured.reps).toBe(3);
    expect(r.dense.measured.reps).toBe(3);
    expect(r.table.backend).toBe('cpu');
    // Calibrated on whole-model runs: the dense model and six sampled widths, each measured.
    expect(r.samples.filter((s) => s.source === 'sample')).toHaveLength(6);
    expect(r.samples[0].source).toBe('dense');
    expect(r.calibration?.samples).toBeGreaterThanOrEqual(7);
    for (const p of r.perLayer) expect(p.calibratedMs).toBeGreaterThanOrEqual(0);
    expect(r.perLayer.map((p) => p.layer)).toEqual(['c1', 'c2', 'gap', 'fc', 'logits']);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.getWeights().forEach((w, i) => {
      expect(w.dataSync()).toEqual(w0[i]);
    });
    model.dispose();
  });

  it('refuses bad budgets, a table of another backend and a malformed table file, naming the field', async () => {
    const model = convNet();
    await expect(deadlinePrune(model, { scorer, budget: { ms: 0 } })).rejects.toThrow(/budget\.ms/);
    await expect(deadlinePrune(model, { scorer, budget: { ms: 5, backend: 'webgl' } })).rejects.toThrow(
      /budget\.backend is 'webgl' but the active tfjs backend is 'cpu'/,
    );
    await expect(
      deadlinePrune(model, { scorer, budget: { ms: 5 }, table: createLatencyTable('wasm', 'x', 1) }),
    ).rejects.toThrow(/measured on 'wasm'/);
    expect(() =>
      parseLatencyTable({ version: 1, backend: 'wasm', device: 'x', batch: 0, entries: {} }, 't.json'),
    ).toThrow(InvalidArgumentError);
    expect(() => parseLatencyTable({ version: 2 }, 't.json')).toThrow(/t\.json: field 'version'/);
    model.dispose();
  });
});
