import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  PrunekitError,
  UnsupportedLayerError,
  checkRange,
  createMask,
  createRng,
  maskFromZeros,
  maskLowest,
  maskSparsity,
  memberIndices,
  median,
  quantile,
} from '../src/index.js';

describe('rng', () => {
  it('is deterministic under a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });
  it('restores state', () => {
    const r = createRng(7);
    r.next();
    const s = r.getState();
    const x = r.next();
    r.setState(s);
    expect(r.next()).toBe(x);
  });
  it('normal() has mean ~0 and variance ~1', () => {
    const r = createRng(1);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });
});

describe('masks', () => {
  it('maskLowest prunes exactly the lowest scores, ties by index', () => {
    const m = maskLowest([2, 3], new Float32Array([5, 1, 1, 3, 0, 9]), 3);
    expect(Array.from(m.data)).toEqual([1, 0, 0, 1, 0, 1]);
    expect(maskSparsity(m)).toBeCloseTo(0.5);
  });
  it('refuses NaN scores and bad counts', () => {
    expect(() => maskLowest([2], new Float32Array([NaN, 1]), 1)).toThrow(InvalidArgumentError);
    expect(() => maskLowest([2], new Float32Array([0, 1]), 3)).toThrow(InvalidArgumentError);
  });
  it('maskFromZeros recovers zeros', () => {
    expect(Array.from(maskFromZeros([3], new Float32Array([0, 2, 0])).data)).toEqual([0, 1, 0]);
    expect(maskSparsity(createMask([4]))).toBe(0);
  });
});

describe('groups', () => {
  it('maps flatten channels to spatial rows', () => {
    // 3 channels, 2 spatial positions: channel 1 → rows 1 and 4
    const m = {
      node: 'd',
      param: 'd/kernel',
      axis: 0,
      offset: 0,
      scale: 1,
      stride: 3,
      repeat: 2,
      role: 'in' as const,
    };
    expect(memberIndices(m, [1])).toEqual([1, 4]);
  });
});

describe('errors and helpers', () => {
  it('checkRange names the field', () => {
    expect(() => checkRange('ratio', 1, 0, 1)).toThrow(/ratio must be a number in \[0, 1\)/);
    expect(checkRange('ratio', 0.5, 0, 1)).toBe(0.5);
  });
  it('unsupported layer says how to get out', () => {
    const e = new UnsupportedLayerError('lstm_1', 'LSTM');
    expect(e).toBeInstanceOf(PrunekitError);
    expect(e.code).toBe('E_UNSUPPORTED_LAYER');
    expect(e.message).toMatch(/ignore: \['lstm_1'\]/);
    expect(e.message).toMatch(/registerLayerSpec/);
  });
  it('median and quantile', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
  });
});
