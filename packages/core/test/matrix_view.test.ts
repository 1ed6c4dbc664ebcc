import { describe, expect, it } from 'vitest';
import { matrixView, ShapeError } from '../src/index.js';

describe('matrixView', () => {
  it('last output axis: element (o, i) at i·out + o', () => {
    const v = matrixView([2, 3, 4]);
    expect([v.out, v.inner]).toEqual([4, 6]);
    expect(v.index(1, 5)).toBe(5 * 4 + 1);
  });
  it('an inner output axis: rows are that axis, columns the other axes in order', () => {
    // shape [2, 3, 4], outAxis 1: flat = (a·3 + o)·4 + c, column i = a·4 + c.
    const v = matrixView([2, 3, 4], 1);
    expect([v.out, v.inner]).toEqual([3, 8]);
    const seen = new Set<number>();
    for (let o = 0; o < 3; o++) for (let i = 0; i < 8; i++) seen.add(v.index(o, i));
    expect(seen.size).toBe(24);
    expect(v.index(2, 5)).toBe((1 * 3 + 2) * 4 + 1);
  });
  it('refuses a vector and an axis out of range', () => {
    expect(() => matrixView([4])).toThrow(ShapeError);
    expect(() => matrixView([4, 2], 2)).toThrow(/output axis 2 is out of range/);
  });
});
