// Conformance of the 'wasm' training kernels against the cpu backend over seeded random shapes,
// strides, paddings, dilations and channel multipliers: max |wasm − cpu| / max |cpu| ≤ 1e-4.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, type Rng } from '@prunekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { matMulCosts } from '../src/train/BatchMatMul.js';
import { registerTrainKernels } from '../src/train/register.js';
import { conv2DBackpropFilterComposed } from '../src/train/Conv2DBackpropFilter_composed.js';
import { conv2DBackpropFilterSimd } from '../src/train/Conv2DBackpropFilter_simd.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type Pad, pick, randomValues, relError, runOn, useTfBackend } from './train_helpers.js';

const TOL = 1e-4;
const CASES = 24;

interface ConvCase {
  n: number;
  h: number;
  w: number;
  c: number;
  co: number;
  m: number;
  fh: number;
  fw: number;
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

function convCase(rng: Rng, dilated: boolean): ConvCase {
  const fh = pick(rng, [1, 2, 3, 3, 5]);
  const fw = pick(rng, [1, 2, 3, 3]);
  const dilations: [number, number] = dilated ? [1 + rng.int(2), 1 + rng.int(2)] : [1, 1];
  const strides: [number, number] = [1 + rng.int(3), 1 + rng.int(3)];
  const eh = (fh - 1) * dilations[0] + 1;
  const ew = (fw - 1) * dilations[1] + 1;
  const kind = rng.int(3);
  const pad: Pad =
    kind === 0
      ? 'same'
      : kind === 1
        ? 'valid'
        : [
            [0, 0],
            [rng.int(eh), rng.int(eh)],
            [rng.int(ew), rng.int(ew)],
            [0, 0],
          ];
  return {
    n: 1 + rng.int(2),
    h: eh + rng.int(7),
    w: ew + rng.int(7),
    c: pick(rng, [1, 3, 4, 5, 8]),
    co: pick(rng, [1, 4, 5, 8, 9, 16]),
    m: pick(rng, [1, 1, 2, 3]),
    fh,
    fw,
    strides,
    dilations,
    pad,
  };
}

function outShape(k: ConvCase, depthwise: boolean): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    [k.n, k.h, k.w, k.c],
    [k.fh, k.fw, k.c, depthwise ? k.m : k.co],
    k.strides,
    k.dilations,
    k.pad,
    undefined,
    depthwise,
  );
  return info.outShape;
}

/** The filter with (d − 1) zeros between taps: a dilated filter as a plain one. */
function dilateFilter(
  f: Float32Array,
  [fh, fw, c, m]: number[],
  [dh, dw]: number[],
): { values: Float32Array; shape: number[] } {
  const eh = (fh - 1) * dh + 1;
  const ew = (fw - 1) * dw + 1;
  const out = new Float32Array(eh * ew * c * m);
  for (let i = 0; i < fh; i++)
    for (let j = 0; j < fw; j++)
      out.set(f.subarray((i * fw + j) * c * m, (i * fw + j + 1) * c * m), (i * dh * ew + j * dw) * c * m);
  return { values: out, shape: [eh, ew, c, m] };
}

beforeAll(async () => {
  registerTrainKernels();
  await useTfBackend('wasm');
});

describe('Conv2DBackpropFilter / Conv2DBackpropInput', () => {
  it('match cpu over seeded shapes, strides and paddings', async () => {
    const rng = createRng(11);
    // Fixed cases: two wide enough that the AssemblyScript kernel splits its rows into blocks.
    const wide: ConvCase[] = [
      {
        n: 2,
        h: 13,
        w: 13,
        c: 8,
        co: 32,
        m: 1,
        fh: 3,
        fw: 3,
        strides: [1, 1],
        dilations: [1, 1],
        pad: 'same',
      },
      {
        n: 2,
        h: 13,
        w: 11,
        c: 5,
        co: 27,
        m: 1,
        fh: 3,
        fw: 2,
        strides: [2, 1],
        dilations: [1, 1],
        pad: 'valid',
      },
      // Pads wider than the filter: Conv2DBackpropInput falls back to tfjs-wasm's own kernel.
      {
        n: 1,
        h: 5,
        w: 6,
        c: 3,
        co: 4,
        m: 1,
        fh: 2,
        fw: 2,
        strides: [1, 2],
        dilations: [1, 1],
        pad: [
          [0, 0],
          [2, 1],
          [3, 0],
          [0, 0],
        ],
      },
    ];
    for (let i = 0; i < CASES + wide.length; i++) {
      const k = i < CASES ? convCase(rng, false) : wide[i - CASES];
      const dyShape = outShape(k, false);
      const x = { values: randomValues(rng, [k.n, k.h, k.w, k.c]), shape: [k.n, k.h, k.w, k.c] };
      const filter = { values: randomValues(rng, [k.fh, k.fw, k.c, k.co]), shape: [k.fh, k.fw, k.c, k.co] };
      const dy = { values: randomValues(rng, dyShape), shape: dyShape };
      const base = { strides: k.strides, pad: k.pad, dataFormat: 'NHWC' };
      const fAttrs = { ...base, filterShape: filter.shape };
      const iAttrs = { ...base, inputShape: x.shape };
      const label = JSON.stringify(k);
      const dwRef = await runOn('cpu', 'Conv2DBackpropFilter', { x, dy }, fAttrs);
      const dwGot = await runOn('wasm', 'Conv2DBackpropFilter', { x, dy }, fAttrs);
      expect(relError(dwGot, dwRef), label).toBeLessThanOrEqual(TOL);
      const dxRef = await runOn('cpu', 'Conv2DBackpropInput', { dy, filter }, iAttrs);
      const dxGot = await runOn('wasm', 'Conv2DBackpropInput', { dy, filter }, iAttrs);
      expect(relError(dxGot, dxRef), label).toBeLessThanOrEqual(TOL);
      // Both Conv2DBackpropFilter strategies, whichever the registered kernel picks.
      for (const impl of [conv2DBackpropFilterComposed, conv2DBackpropFilterSimd]) {
        expect(tf.getBackend()).toBe('wasm');
        const before = tf.memory().numTensors;
        const xt = tf.tensor(x.values, x.shape);
        const dyt = tf.tensor(dy.values, dy.shape);
        const info = impl(tf.backend() as BackendWasm, xt, dyt, {
          ...fAttrs,
          dimRoundingMode: undefined,
        } as never);
        const out = tf.engine().makeTensorFromTensorInfo(info);
        expect(relError(out.dataSync(), dwRef), `${impl.name} ${label}`).toBeLessThanOrEqual(TOL);
        tf.dispose([xt, dyt, out]);
        expect(tf.memory().numTensors).toBe(before);
      }
    }
  });
});

describe('DepthwiseConv2dNativeBackpropFilter / DepthwiseConv2dNativeBackpropInput', () => {
  // The cpu backend's depthwise gradients ignore dilations, so the reference for a dilated
  // filter is the cpu gradient of the same filter with zeros between its taps.
  it('match cpu over seeded shapes, strides, paddings, dilations and multipliers', async () => {
    const rng = createRng(12);
    for (let i = 0; i < CASES; i++) {
      const k = convCase(rng, i % 2 === 1);
      const dyShape = outShape(k, true);
      const fShape = [k.fh, k.fw, k.c, k.m];
      const x = { values: randomValues(rng, [k.n, k.h, k.w, k.c]), shape: [k.n, k.h, k.w, k.c] };
      const filter = { values: randomValues(rng, fShape), shape: fShape };
      const dy = { values: randomValues(rng, dyShape), shape: dyShape };
      const base = { strides: k.strides, pad: k.pad, dilations: k.dilations };
      const dil = dilateFilter(filter.values, fShape, k.dilations);
      const label = JSON.stringify(k);

      const dxRef = await runOn(
        'cpu',
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter: dil },
        { ...base, dilations: [1, 1], inputShape: x.shape },
      );
      const dxGot = await runOn(
        'wasm',
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        { ...base, inputShape: x.shape },
      );
      expect(relError(dxGot, dxRef), label).toBeLessThanOrEqual(TOL);

      const dwDil = await runOn(
        'cpu',
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        { ...base, dilations: [1, 1], filterShape: dil.shape },
      );
      const dwRef = new Float32Array(filter.values.length);
      const ew = dil.shape[1];
      const cm = k.c * k.m;
      for (let a = 0; a < k.fh; a++)
        for (let b = 0; b < k.fw; b++)
          dwRef.set(
            dwDil.subarray(
              (a * k.dilations[0] * ew + b * k.dilations[1]) * cm,
              (a * k.dilations[0] * ew + b * k.dilations[1] + 1) * cm,
            ),
            (a * k.fw + b) * cm,
          );
      const dwGot = await runOn(
        'wasm',
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        { ...base, filterShape: fShape },
      );
      expect(relError(dwGot, dwRef), label).toBeLessThanOrEqual(TOL);
    }
  });
});

describe('MaxPoolGrad', () => {
  it('matches cpu, including its rule for ties', async () => {
    const rng = createRng(13);
    // Windows that tile the input (the no-scatter kernel, unrolled for 2×2 over channels that are
    // a multiple of 4): even and odd sizes, SIMD and tail channels, and a 'same' pool whose last
    // window would hang over the edge (the general kernel).
    const tiled: [number, number, number[], number[], 'same' | 'valid'][] = [
      [2, 2, [2, 2], [2, 8, 8, 16], 'valid'],
      [2, 2, [2, 2], [1, 7, 9, 6], 'valid'],
      [2, 2, [2, 2], [2, 7, 9, 8], 'valid'],
      [3, 2, [3, 2], [2, 9, 6, 5], 'valid'],
      [2, 2, [2, 2], [1, 5, 5, 4], 'same'],
    ];
    for (let i = 0; i < CASES + 2 * tiled.length; i++) {
      const t = i >= CASES ? tiled[(i - CASES) >> 1] : undefined;
      const fh = t ? t[0] : 1 + rng.int(3);
      const fw = t ? t[1] : 1 + rng.int(3);
      const strides = t ? t[2] : [1 + rng.int(3), 1 + rng.int(3)];
      const pad = t ? t[4] : pick(rng, ['same', 'valid'] as const);
      const shape = t ? t[3] : [1 + rng.int(2), fh + rng.int(6), fw + rng.int(6), pick(rng, [1, 3, 4, 8, 9])];
      const xv = randomValues(rng, shape);
      // Every other case has many equal values (as after a ReLU), so ties decide the result.
      if (i % 2 === 1) for (let j = 0; j < xv.length; j++) xv[j] = Math.max(0, Math.round(xv[j]));
      const info = tf.backend_util.computePool2DInfo(
        shape as [number, number, number, number],
        [fh, fw],
        strides as [number, number],
        1,
        pad,
      );
      const dy = { values: randomValues(rng, info.outShape), shape: info.outShape };
      const inputs = {
        dy,
        input: { values: xv, shape },
        output: { values: new Float32Array(dy.values.length), shape: info.outShape },
      };
      const attrs = { filterSize: [fh, fw], strides, pad };
      const ref = await runOn('cpu', 'MaxPoolGrad', inputs, attrs);
      const got = await runOn('wasm', 'MaxPoolGrad', inputs, attrs);
      expect(relError(got, ref), JSON.stringify({ shape, fh, fw, strides, pad })).toBeLessThanOrEqual(TOL);
    }
  });
});

describe('BatchMatMul with transposed operands', () => {
  it('matches cpu for every transpose combination, both forms, and broadcast batches', async () => {
    const rng = createRng(14);
    const forms = new Set<string>();
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      // A random small product, then a wide and a tall one (which take different forms).
      for (const [m, k, n] of [
        [1 + rng.int(9), 1 + rng.int(9), 1 + rng.int(9)],
        [4, 6, 40],
        [40, 6, 4],
      ]) {
        const aShape = ta ? [1, k, m] : [1, m, k];
        const bShape = tb ? [3, n, k] : [3, k, n];
        const cost = matMulCosts(aShape, bShape, ta, tb);
        if (ta || tb) forms.add(cost.direct <= cost.transposed ? 'direct' : 'transposed');
        const inputs = {
          a: { values: randomValues(rng, aShape), shape: aShape },
          b: { values: randomValues(rng, bShape), shape: bShape },
        };
        const attrs = { transposeA: ta, transposeB: tb };
        const ref = await runOn('cpu', 'BatchMatMul', inputs, attrs);
        const got = await runOn('wasm', 'BatchMatMul', inputs, attrs);
        expect(relError(got, ref), JSON.stringify({ ta, tb, m, k, n })).toBeLessThanOrEqual(TOL);
      }
    }
    expect([...forms].sort()).toEqual(['direct', 'transposed']);
  });
});

describe('UnsortedSegmentSum', () => {
  it('matches cpu, dropping ids outside [0, numSegments)', async () => {
    const rng = createRng(16);
    for (let i = 0; i < 6; i++) {
      const n = 1 + rng.int(12);
      const segments = 1 + rng.int(6);
      const shape = [n, 1 + rng.int(3), 1 + rng.int(6)];
      const ids = new Int32Array(n).map(() => rng.int(segments + 2) - 1);
      await useTfBackend('cpu');
      const values = randomValues(rng, shape);
      const outs: Float32Array[] = [];
      for (const backend of ['cpu', 'wasm'] as const) {
        await useTfBackend(backend);
        const before = tf.memory().numTensors;
        const x = tf.tensor(values, shape);
        const segmentIds = tf.tensor1d(ids, 'int32');
        const y = tf.unsortedSegmentSum(x, segmentIds, segments);
        expect(y.shape).toEqual([segments, ...shape.slice(1)]);
        outs.push(y.dataSync() as Float32Array);
        tf.dispose([x, segmentIds, y]);
        expect(tf.memory().numTensors).toBe(before);
      }
      expect(
        relError(outs[1], outs[0]),
        JSON.stringify({ shape, segments, ids: [...ids] }),
      ).toBeLessThanOrEqual(TOL);
    }
  });
});

describe('kernel coverage', () => {
  it('leaves only non-training kernels of the cpu backend missing on wasm', () => {
    const wasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
    const missing = tf
      .getKernelsForBackend('cpu')
      .map((k) => k.kernelName)
      .filter((k) => !wasm.has(k))
      .sort();
    expect(missing).toEqual([
      'Complex',
      'ComplexAbs',
      'Draw',
      'Einsum',
      'FFT',
      'IFFT',
      'Imag',
      'RaggedGather',
      'RaggedRange',
      'RaggedTensorToTensor',
      'Real',
      'StaticRegexReplace',
    ]);
  });
});

describe('bad input', () => {
  it('refuses NCHW with a typed error naming the kernel and field', async () => {
    await useTfBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        filterShape: [3, 3, 2, 3],
      } as never),
    ).toThrow(/Conv2DBackpropFilter: dataFormat 'NCHW'/);
    tf.dispose([x, dy]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
