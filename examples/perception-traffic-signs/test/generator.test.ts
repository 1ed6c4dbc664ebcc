import { createHash } from 'node:crypto';
import { createRng, InvalidArgumentError } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { generateDataset, renderSign } from '../src/generator.js';
import { CLEAN_NUISANCE } from '../src/nuisance.js';
import { NUM_CLASSES, SIGN_CLASSES } from '../src/signs.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('traffic-sign generator', () => {
  it('has at least 12 distinct classes', () => {
    expect(NUM_CLASSES).toBeGreaterThanOrEqual(12);
    expect(new Set(SIGN_CLASSES.map((c) => c.name)).size).toBe(NUM_CLASSES);
  });

  it('gives byte-identical datasets for the same seed and different ones for another seed', () => {
    const a = generateDataset(64, 11);
    const b = generateDataset(64, 11);
    const c = generateDataset(64, 12);
    expect(sha(a.images)).toBe(sha(b.images));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(sha(a.images)).not.toBe(sha(c.images));
  });

  it('balances the labels and fills the expected byte count', () => {
    const ds = generateDataset(NUM_CLASSES * 5, 3);
    expect(ds.images.length).toBe(ds.count * 32 * 32 * 3);
    const counts = new Array(NUM_CLASSES).fill(0);
    for (const l of ds.labels) counts[l]++;
    expect(counts.every((n) => n === 5)).toBe(true);
  });

  it('renders classes that differ from each other even without nuisances', () => {
    const hashes = new Set<string>();
    for (let c = 0; c < NUM_CLASSES; c++) hashes.add(sha(renderSign(c, createRng(1), CLEAN_NUISANCE)));
    expect(hashes.size).toBe(NUM_CLASSES);
  });

  it('puts the sign near the centre: the centre differs from the corners on clean images', () => {
    const img = renderSign(0, createRng(2), CLEAN_NUISANCE); // stop: red octagon
    const at = (x: number, y: number) => Array.from(img.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 3));
    const [r, g, b] = at(16, 6); // on the red body, above the lettering
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
  });

  it('refuses bad arguments with typed errors naming the field', () => {
    expect(() => generateDataset(0, 1)).toThrow(InvalidArgumentError);
    expect(() => generateDataset(10, -1)).toThrow(/seed/);
    expect(() => generateDataset(10, 1, { supersample: 0 })).toThrow(/supersample/);
    expect(() => renderSign(NUM_CLASSES, createRng(1))).toThrow(/label/);
  });
});
