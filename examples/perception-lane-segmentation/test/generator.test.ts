import { createHash } from 'node:crypto';
import { createRng, InvalidArgumentError } from '@prunekit/core';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { groundDistance, groundLateral, rowOf } from '../src/camera.js';
import { toTensors } from '../src/data.js';
import { generateLanes, LANE_CLASS_NAMES, renderRoad } from '../src/generator.js';
import { CLASS_BACKGROUND, CLASS_DRIVABLE, CLASS_MARKING, renderScene } from '../src/render.js';
import { type Scene, sampleScene } from '../src/scene.js';

const sha = (ds: { images: Uint8Array; masks: Uint8Array }) =>
  createHash('sha256').update(ds.images).update(ds.masks).digest('hex');

/** A straight, level, centred two-edge road with no shadows or vehicles, fixed light. */
function plainScene(height: number, width: number): Scene {
  const s = sampleScene(createRng(3), height, width);
  return {
    ...s,
    camera: { f: width * 0.45, cx: width / 2, horizon: height * 0.35, heightM: 1.5 },
    offset: 0,
    yaw: 0,
    curvature: 0,
    laneWidth: 3.5,
    roadLeft: -1.75,
    roadRight: 1.75,
    markingWidth: 0.25,
    markings: [-1.75, 1.75].map((d) => ({
      d,
      dashM: 0,
      periodM: 0,
      phaseM: 0,
      rgb: [0.9, 0.9, 0.9] as const,
    })),
    shadows: [],
    vehicles: [],
    noise: 0,
  };
}

function render(s: Scene, h: number, w: number) {
  const image = new Uint8Array(h * w * 3);
  const mask = new Uint8Array(h * w);
  renderScene(s, createRng(1), h, w, image, mask);
  return { image, mask };
}

const rowCount = (mask: Uint8Array, w: number, y: number, cls: number) =>
  mask.subarray(y * w, (y + 1) * w).reduce((n, c) => n + (c === cls ? 1 : 0), 0);

describe('lane generator', () => {
  it('same seed → identical bytes; another seed → different; image i depends only on (seed, i)', () => {
    const a = generateLanes(11, 6);
    const b = generateLanes(11, 6);
    const c = generateLanes(12, 6);
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
    const prefix = generateLanes(11, 2);
    expect(Buffer.compare(prefix.images, a.images.subarray(0, prefix.images.length))).toBe(0);
    expect(Buffer.compare(prefix.masks, a.masks.subarray(0, prefix.masks.length))).toBe(0);
    expect(a.masks.every((m) => m < LANE_CLASS_NAMES.length)).toBe(true);
  });

  it('defaults to 48×64 and works at 32×32 with every class present', () => {
    const d = generateLanes(1, 4);
    expect([d.height, d.width, d.images.length, d.masks.length]).toEqual([
      48,
      64,
      4 * 48 * 64 * 3,
      4 * 48 * 64,
    ]);
    const s = generateLanes(5, 16, { height: 32, width: 32 });
    expect(s.images.length).toBe(16 * 32 * 32 * 3);
    for (let k = 0; k < s.numClasses; k++) expect(s.masks.includes(k)).toBe(true);
  });

  it('renders into caller buffers and rejects bad sizes with a typed error', () => {
    const image = new Uint8Array(32 * 32 * 3);
    const mask = new Uint8Array(32 * 32);
    const out = renderRoad(createRng(4), 32, 32, { image, mask });
    expect(out.image).toBe(image);
    expect(out).toEqual(renderRoad(createRng(4), 32, 32));
    expect(() => renderRoad(createRng(4), 32, 32, { image, mask: new Uint8Array(5) })).toThrow(
      InvalidArgumentError,
    );
    expect(() => generateLanes(1, 1, { height: 4 })).toThrow(/height/);
  });

  it('pinhole camera: row ↔ distance round-trips; nearer rows see nearer ground', () => {
    const cam = { f: 30, cx: 32, horizon: 16, heightM: 1.5 };
    expect(groundDistance(cam, rowOf(cam, 12.5))).toBeCloseTo(12.5, 9);
    expect(groundDistance(cam, 40)).toBeLessThan(groundDistance(cam, 20));
    expect(groundDistance(cam, 10)).toBe(Number.POSITIVE_INFINITY);
    expect(groundLateral(cam, 32 + 30, 10)).toBeCloseTo(10, 9); // 45° off axis
  });

  it('perspective: sky above the horizon, road narrows towards it, lines converge at the vanishing point', () => {
    const [h, w] = [48, 64];
    const s = plainScene(h, w);
    const { mask } = render(s, h, w);
    for (let y = 0; y < Math.floor(s.camera.horizon); y++)
      expect(rowCount(mask, w, y, CLASS_BACKGROUND)).toBe(w);
    const road = (y: number) => rowCount(mask, w, y, CLASS_DRIVABLE) + rowCount(mask, w, y, CLASS_MARKING);
    for (let y = 20; y < h - 1; y++) expect(road(y + 1)).toBeGreaterThanOrEqual(road(y));
    expect(road(h - 1)).toBeGreaterThan(3 * road(20));
    // a straight centred road is symmetric about the principal column
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w / 2; x++) expect(mask[y * w + x]).toBe(mask[y * w + (w - 1 - x)]);
    }
    // lane lines: their distance from the principal column shrinks towards the horizon
    const spread: number[] = [];
    for (let y = h - 1; y > s.camera.horizon; y--) {
      let sum = 0;
      let n = 0;
      for (let x = 0; x < w; x++) {
        if (mask[y * w + x] !== CLASS_MARKING) continue;
        sum += Math.abs(x + 0.5 - s.camera.cx);
        n++;
      }
      if (n > 0) spread.push(sum / n);
    }
    expect(spread.length).toBeGreaterThan(10);
    for (let i = 1; i < spread.length; i++) expect(spread[i]).toBeLessThanOrEqual(spread[i - 1] + 0.5);
    expect(spread[spread.length - 1]).toBeLessThan(spread[0] / 4);
  });

  it('shadows darken pixels without changing labels; vehicles hide the road and are labelled background', () => {
    const [h, w] = [48, 64];
    const s = plainScene(h, w);
    const base = render(s, h, w);
    const shaded = render({ ...s, shadows: [{ d0: -10, d1: 10, z0: 2, z1: 8, shade: 0.4 }] }, h, w);
    expect(Buffer.compare(shaded.mask, base.mask)).toBe(0);
    const sum = (a: Uint8Array) => a.reduce((t, v) => t + v, 0);
    expect(sum(shaded.image)).toBeLessThan(sum(base.image));
    const car = { d: 0, z: 6, widthM: 2, heightM: 1.5, rgb: [0.8, 0.1, 0.1] as const };
    const blocked = render({ ...s, vehicles: [car] }, h, w);
    const y = Math.floor(rowOf(s.camera, 6)) - 2;
    const x = Math.floor(s.camera.cx);
    expect(base.mask[y * w + x]).toBe(CLASS_DRIVABLE);
    expect(blocked.mask[y * w + x]).toBe(CLASS_BACKGROUND);
  });

  it('toTensors: images in 0..1, one-hot masks, no leaks', async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const before = tf.memory().numTensors;
    {
      const ds = generateLanes(2, 3, { height: 32, width: 32 });
      const { x, y } = toTensors(ds);
      expect(x.shape).toEqual([3, 32, 32, 3]);
      expect(y.shape).toEqual([3, 32, 32, 3]);
      const [lo, hi, cls] = tf.tidy(() => [tf.min(tf.sum(y, -1)), tf.max(x), tf.argMax(y, -1)]);
      expect(lo.dataSync()[0]).toBe(1);
      expect(hi.dataSync()[0]).toBeLessThanOrEqual(1);
      expect(Array.from(cls.dataSync())).toEqual(Array.from(ds.masks));
      tf.dispose([x, y, lo, hi, cls]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
