import { InvalidArgumentError } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_CLASS, compositeSign, generateScenes, IMAGE_SIZE, shrinkArea } from '../src/scene.js';

describe('multitask scene generator', () => {
  const a = generateScenes(11, 32);

  it('gives identical bytes for the same seed and different bytes for another', () => {
    const b = generateScenes(11, 32);
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(b.images))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.masks), Buffer.from(b.masks))).toBe(0);
    expect(Array.from(a.signLabels)).toEqual(Array.from(b.signLabels));
    expect(Array.from(a.signBoxes)).toEqual(Array.from(b.signBoxes));
    const c = generateScenes(12, 32);
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(c.images))).not.toBe(0);
    expect(Buffer.compare(Buffer.from(a.masks), Buffer.from(c.masks))).not.toBe(0);
  });

  it('balances the sign classes and keeps mask ids in the lane classes', () => {
    expect(a.signNames).toHaveLength(16);
    const counts = new Array(16).fill(0);
    for (const l of a.signLabels) counts[l]++;
    expect(counts).toEqual(new Array(16).fill(2));
    expect(Math.max(...a.masks)).toBeLessThan(a.laneNames.length);
    // Every lane class occurs somewhere in 32 road scenes (markings are thin but always painted).
    expect(new Set(a.masks).size).toBe(a.laneNames.length);
  });

  it('puts the sign disc in an upper corner and labels its pixels background', () => {
    const px = IMAGE_SIZE * IMAGE_SIZE;
    for (let i = 0; i < a.count; i++) {
      const [x0, y0, d] = a.signBoxes.subarray(i * 3, i * 3 + 3);
      expect(d).toBeGreaterThanOrEqual(18);
      expect(d).toBeLessThanOrEqual(24);
      expect(y0).toBeLessThanOrEqual(3);
      expect(x0 <= 3 || x0 + d >= IMAGE_SIZE - 3).toBe(true);
      // The disc's inner square is all background in the mask.
      const r = Math.floor(d / 2 / Math.SQRT2) - 1;
      const cx = Math.floor(x0 + d / 2);
      const cy = Math.floor(y0 + d / 2);
      for (let y = cy - r; y < cy + r; y++)
        for (let x = cx - r; x < cx + r; x++)
          expect(a.masks[i * px + y * IMAGE_SIZE + x]).toBe(BACKGROUND_CLASS);
    }
  });

  it('shrinks by area averaging and blends with a soft rim', () => {
    const flat = new Uint8Array(32 * 32 * 3).fill(200);
    expect(Array.from(new Set(shrinkArea(flat, 32, 17).map((v) => Math.round(v))))).toEqual([200]);
    const image = new Uint8Array(8 * 8 * 3);
    const mask = new Uint8Array(8 * 8).fill(2);
    compositeSign(image, mask, 8, new Float32Array(6 * 6 * 3).fill(100), 6, 1, 1);
    expect(image[(4 * 8 + 4) * 3]).toBe(100); // centre: all sign
    expect(image[(1 * 8 + 1) * 3]).toBe(0); // corner of the square: outside the disc
    expect(mask[4 * 8 + 4]).toBe(BACKGROUND_CLASS);
    expect(mask[0]).toBe(2);
  });

  it('rejects bad sizes with a typed error naming the field', () => {
    expect(() => generateScenes(1, 4, { signSize: [20, 10] })).toThrow(InvalidArgumentError);
    expect(() => generateScenes(1, 4, { signSize: [20, 10] })).toThrow(/signSize/);
    expect(() => generateScenes(1, 0)).toThrow(/count/);
  });
});
