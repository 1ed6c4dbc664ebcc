import { createRng, InvalidArgumentError, ShapeError } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import {
  dequantizeInt8,
  float16Array,
  int8Params,
  quantizeAffine,
  quantizeInt8,
  toFloat16,
} from '../src/index.js';

function randomWeights(n: number, seed: number, zeroEvery = 0): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, (_, i) =>
    zeroEvery && i % zeroEvery === 0 ? 0 : rng.normal() * (1 + (i % 7)),
  );
}

describe('quantizeInt8', () => {
  it('per-channel: every weight within scale/2 of its channel, zeros exact, one scale per output channel', () => {
    const shape = [3, 3, 4, 6];
    const w = randomWeights(3 * 3 * 4 * 6, 1, 5);
    const q = quantizeInt8(w, shape);
    expect(q.axis).toBe(3);
    expect(q.scales.length).toBe(6);
    const back = dequantizeInt8(q);
    for (let i = 0; i < w.length; i++) {
      const s = q.scales[i % 6];
      expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(s / 2 + 1e-6 * s);
      if (w[i] === 0) expect(Object.is(back[i], 0) || back[i] === 0).toBe(true);
      expect(Math.abs(q.q[i])).toBeLessThanOrEqual(127);
    }
    // The largest magnitude of each channel maps to ±127.
    for (let c = 0; c < 6; c++) {
      let m = 0;
      for (let i = c; i < w.length; i += 6) m = Math.max(m, Math.abs(q.q[i]));
      expect(m).toBe(127);
    }
  });

  it('per-tensor: one scale, error ≤ scale/2; axis 2 slices inner dims', () => {
    const w = randomWeights(60, 2);
    const q = quantizeInt8(w, [5, 12], { scheme: 'per-tensor' });
    expect(q.axis).toBeNull();
    expect(q.scales.length).toBe(1);
    const back = dequantizeInt8(q);
    for (let i = 0; i < w.length; i++)
      expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(q.scales[0] / 2 + 1e-7);
    const dw = quantizeInt8(randomWeights(2 * 2 * 3 * 1, 3), [2, 2, 3, 1], { axis: 2 });
    expect(dw.scales.length).toBe(3);
  });

  it('an all-zero channel gets scale 0 and stays zero', () => {
    const w = new Float32Array([0, 1, 0, -1]);
    const q = quantizeInt8(w, [2, 2]);
    expect(q.scales[0]).toBe(0);
    expect(Array.from(dequantizeInt8(q))).toEqual([0, 1, 0, -1]);
  });

  it('refuses bad shapes, axes, schemes and non-finite values', () => {
    expect(() => quantizeInt8(new Float32Array(5), [2, 2])).toThrow(ShapeError);
    expect(() => quantizeInt8(new Float32Array(4), [2, 2], { axis: 2 })).toThrow(InvalidArgumentError);
    expect(() => quantizeInt8(new Float32Array(4), [2, 2], { scheme: 'x' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => quantizeInt8(new Float32Array([0, Number.NaN, 0, 0]), [2, 2])).toThrow(/finite/);
  });
});

describe('tfjs-converter style quantization', () => {
  it('uint8 / uint16 affine: within scale/2, zero exact as tfjs decodes it (q·scale + min)', () => {
    const w = randomWeights(500, 4, 3);
    for (const dtype of ['uint8', 'uint16'] as const) {
      const q = quantizeAffine(w, dtype);
      for (let i = 0; i < w.length; i++) {
        const v = Math.fround(q.q[i] * q.scale + q.min);
        expect(Math.abs(v - w[i])).toBeLessThanOrEqual(q.scale / 2 + 1e-6);
        if (w[i] === 0) expect(v).toBe(0);
      }
    }
    expect(() => quantizeAffine(w, 'int4' as never)).toThrow(InvalidArgumentError);
  });

  it('float16: exact on representable values, round to nearest even, overflow to Infinity', () => {
    expect(toFloat16(1)).toBe(0x3c00);
    expect(toFloat16(-2)).toBe(0xc000);
    expect(toFloat16(0)).toBe(0);
    expect(toFloat16(65504)).toBe(0x7bff);
    expect(toFloat16(1e6)).toBe(0x7c00);
    expect(toFloat16(2 ** -24)).toBe(1); // smallest subnormal
    expect(toFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float16Array(new Float32Array([0.5, -0.25])).length).toBe(2);
  });

  it('int8Params: range widened to hold 0, zero maps to an integer zero point', () => {
    const p = int8Params(0, 6);
    expect(p.scale).toBeCloseTo(6 / 255);
    expect(p.zeroPoint).toBe(-128);
    const s = int8Params(-1, 1);
    expect(Math.abs((0 - s.zeroPoint) * s.scale)).toBeLessThan(s.scale);
  });
});
