import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Batch, ShapeError, createRng, sizeOf } from '@prunekit/core';
import {
  calibrationBatches,
  disposeBatches,
  expectNoLeaks,
  modelFixture,
  seedWeights,
} from '@prunekit/test-utils';

const buildGraph = (m: tfl.LayersModel) => modelFixture(() => m)().graph;
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CalibrationDataError,
  calibrate,
  exactHessianDiagonal,
  fisher,
  gradientMagnitude,
  hutchinsonDiagonal,
  obd,
  scoreParams,
  taylor,
  wanda,
  ablation,
} from '../src/index.js';

const relL2 = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};

/** A tiny smooth model (tanh hidden layer, softmax head): 3 → 4 → 3. */
function tinyModel(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ name: 'h', inputShape: [3], units: 4, activation: 'tanh' }));
  m.add(tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax' }));
  seedWeights(m, 3);
  return m;
}

describe('gradient-based scorers vs finite differences', () => {
  const model = tinyModel();
  const graph = buildGraph(model);
  let data: Batch[];
  beforeAll(() => {
    expect(tf.getBackend()).toBe('cpu');
    data = calibrationBatches([3], 3, { batches: 2, batchSize: 6, seed: 9 });
  });
  afterAll(() => {
    disposeBatches(data);
    model.dispose();
  });

  /** Mean cross-entropy over the batches (or batch `only`), with one weight moved by `delta`. */
  function lossAt(id: string, i: number, delta: number, only?: number): number {
    const w = graph.weights.values(id);
    const orig = w[i];
    w[i] = orig + delta;
    const t = tf.tensor(w, [...graph.param(id).shape]);
    graph.weights.assign(id, t);
    t.dispose();
    let sum = 0;
    let n = 0;
    for (const [k, b] of data.entries()) {
      if (only !== undefined && k !== only) continue;
      const l = tf.tidy(() => {
        const p = tf.clipByValue(model.predict(b.x as tf.Tensor) as tf.Tensor, 1e-7, 1);
        return tf.neg(tf.mean(tf.sum(tf.mul(b.y as tf.Tensor, tf.log(p)), -1)));
      });
      sum += l.dataSync()[0] * 6;
      n += 6;
      l.dispose();
    }
    w[i] = orig;
    const back = tf.tensor(w, [...graph.param(id).shape]);
    graph.weights.assign(id, back);
    back.dispose();
    return sum / n;
  }

  const fdGradient = (id: string, only?: number) => {
    const n = sizeOf(graph.param(id).shape);
    const eps = 1e-2;
    return Float64Array.from(
      { length: n },
      (_, i) => (lossAt(id, i, eps, only) - lossAt(id, i, -eps, only)) / (2 * eps),
    );
  };

  it('|g| and |w·g| agree with central differences of the loss (rel L2 ≤ 1e-3)', async () => {
    const ctx = { data };
    const g = await expectNoLeaks(() => scoreParams(graph, gradientMagnitude(), undefined, ctx));
    const t = await expectNoLeaks(() => scoreParams(graph, taylor(), undefined, ctx));
    for (const id of ['h/kernel', 'out/kernel']) {
      const fd = fdGradient(id);
      const w = graph.weights.values(id);
      expect(relL2(g.get(id)!, fd.map(Math.abs))).toBeLessThanOrEqual(1e-3);
      expect(
        relL2(
          t.get(id)!,
          fd.map((v, i) => Math.abs(v * w[i])),
        ),
      ).toBeLessThanOrEqual(1e-3);
    }
  });

  it('Fisher E[g²] and group Taylor |Σ w·g| agree with central differences (rel L2 ≤ 1e-3)', async () => {
    const f = await scoreParams(graph, fisher({ weighted: false }), undefined, { data });
    const id = 'out/kernel';
    const g0 = fdGradient(id, 0);
    const g1 = fdGradient(id, 1);
    expect(
      relL2(
        f.get(id)!,
        g0.map((v, i) => (v * v + g1[i] * g1[i]) / 2),
      ),
    ).toBeLessThanOrEqual(1e-3);
    // Group of the hidden units: h's kernel columns (out) and out's kernel rows (in).
    const plain = { offset: 0, scale: 1, stride: 1, repeat: 1 };
    const group = {
      id: 'h',
      size: 4,
      roots: ['h'],
      members: [
        { node: 'h', param: 'h/kernel', axis: 1, role: 'out' as const, ...plain },
        { node: 'out', param: 'out/kernel', axis: 0, role: 'in' as const, ...plain },
      ],
    };
    const s = await taylor().score({ kind: 'group', group }, { graph, rng: createRng(0), data });
    const gh = fdGradient('h/kernel');
    const go = fdGradient('out/kernel');
    const wh = graph.weights.values('h/kernel'); // [3, 4]
    const wo = graph.weights.values('out/kernel'); // [4, 3]
    const expected = [0, 1, 2, 3].map((c) => {
      let a = 0;
      let b = 0;
      for (let r = 0; r < 3; r++) a += wh[r * 4 + c] * gh[r * 4 + c];
      for (let j = 0; j < 3; j++) b += wo[c * 3 + j] * go[c * 3 + j];
      return Math.abs(a) + Math.abs(b);
    });
    expect(relL2(s.values, expected)).toBeLessThanOrEqual(1e-3);
  });

  it('computes the statistics once for several scorers and reuses them', async () => {
    const stats = await expectNoLeaks(() => calibrate(graph, [taylor(), fisher(), wanda()], data));
    expect(stats.gradients!.has('h/kernel')).toBe(true);
    expect(stats.squaredGradients!.has('h/kernel')).toBe(true);
    expect(stats.inputNorm!.get('out')!.length).toBe(4);
    // A one-shot async generator is read once: the runner keeps the batches for every statistic.
    let reads = 0;
    async function* once() {
      for (const b of data) {
        reads++;
        yield b;
      }
    }
    const viaGenerator = await calibrate(graph, [fisher(), obd({ probes: 2 })], once());
    expect(reads).toBe(data.length);
    expect(Array.from(viaGenerator.squaredGradients!.get('h/kernel')!)).toEqual(
      Array.from(stats.squaredGradients!.get('h/kernel')!),
    );
    expect(viaGenerator.hessianDiagonal!.has('out/kernel')).toBe(true);
    // Only what was asked for is computed: fisher + obd read no activations.
    expect(viaGenerator.meanActivation).toBeUndefined();
    const fromStats = await scoreParams(graph, fisher(), undefined, { stats });
    const fromData = await scoreParams(graph, fisher(), undefined, { data });
    expect(Array.from(fromStats.get('out/kernel')!)).toEqual(Array.from(fromData.get('out/kernel')!));
  });
});

describe('Hutchinson Hessian diagonal', () => {
  it('matches the exact diagonal of a linear least-squares model (64 probes, rel L2 ≤ 0.1)', async () => {
    const m = tfl.sequential();
    m.add(tfl.layers.dense({ name: 'lin', inputShape: [6], units: 3 }));
    seedWeights(m, 2);
    const graph = buildGraph(m);
    const rng = createRng(5);
    const n = 128;
    const x = tf.tensor(
      Float32Array.from({ length: n * 6 }, () => rng.normal()),
      [n, 6],
    );
    const y = tf.tensor(
      Float32Array.from({ length: n * 3 }, () => rng.normal()),
      [n, 3],
    );
    const data: Batch[] = [{ x, y }];
    const mse = (t: tf.Tensor, p: tf.Tensor) => tf.losses.meanSquaredError(t, p) as tf.Scalar;
    const before = tf.memory().numTensors;
    const exact = exactHessianDiagonal(graph, m as never, data, mse);
    const est = hutchinsonDiagonal(graph, m as never, data, mse, { probes: 64, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    // Analytic diagonal for the kernel: 2/(n·3) Σ_n x_ni², the same for every output j.
    const xs = x.dataSync();
    const kernel = exact.get('lin/kernel')!;
    for (let i = 0; i < 6; i++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += xs[r * 6 + i] ** 2;
      for (let j = 0; j < 3; j++) expect(kernel[i * 3 + j]).toBeCloseTo((2 * s) / (n * 3), 3);
    }
    const all = (mp: Map<string, Float64Array>) => [...mp.get('lin/kernel')!, ...mp.get('lin/bias')!];
    expect(relL2(all(est), all(exact))).toBeLessThanOrEqual(0.1);
    // OBD from the same data: ½·|h|·w², finite and non-negative.
    const s = await scoreParams(graph, obd({ probes: 4 }), undefined, { data: [{ x, y }] });
    expect(Math.min(...s.get('lin/kernel')!)).toBeGreaterThanOrEqual(0);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('bad calibration input', () => {
  const model = tinyModel();
  const graph = buildGraph(model);
  afterAll(() => model.dispose());
  const param = graph.param('h/kernel');
  const rng = createRng(0);

  it('a scorer that needs data, called without it, throws CalibrationDataError naming the scorer', async () => {
    for (const s of [taylor(), fisher(), obd(), wanda(), ablation()]) {
      await expect(s.score({ kind: 'weight', param }, { graph, rng })).rejects.toBeInstanceOf(
        CalibrationDataError,
      );
    }
    await expect(taylor().score({ kind: 'weight', param }, { graph, rng })).rejects.toThrow(
      /'taylor' needs gradients/,
    );
  });

  it('calibration batches of the wrong shape, without labels, or empty are refused with typed errors', async () => {
    const bad = [{ x: tf.zeros([2, 5]), y: tf.zeros([2, 3]) }];
    await expect(taylor().score({ kind: 'weight', param }, { graph, rng, data: bad })).rejects.toBeInstanceOf(
      ShapeError,
    );
    await expect(taylor().score({ kind: 'weight', param }, { graph, rng, data: bad })).rejects.toThrow(
      /\[2,5\].*\[batch,3\]/,
    );
    const noLabels = [{ x: tf.zeros([2, 3]) }];
    await expect(fisher().score({ kind: 'weight', param }, { graph, rng, data: noLabels })).rejects.toThrow(
      /no labels/,
    );
    const misaligned = [{ x: tf.zeros([2, 3]), y: tf.zeros([4, 3]) }];
    await expect(
      taylor().score({ kind: 'weight', param }, { graph, rng, data: misaligned }),
    ).rejects.toBeInstanceOf(ShapeError);
    await expect(taylor().score({ kind: 'weight', param }, { graph, rng, data: [] })).rejects.toThrow(
      /no batches/,
    );
    tf.dispose([bad[0].x, bad[0].y, noLabels[0].x, misaligned[0].x, misaligned[0].y]);
  });

  it('statistics of another model are refused with ShapeError', async () => {
    const gradients = new Map([['h/kernel', new Float32Array(5)]]);
    await expect(
      taylor().score({ kind: 'weight', param }, { graph, rng, stats: { gradients } }),
    ).rejects.toBeInstanceOf(ShapeError);
  });
});
