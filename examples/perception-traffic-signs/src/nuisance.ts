/**
 * The nuisance model: everything between a clean sign and a camera crop. Each knob is a range the
 * generator draws from uniformly, per image, with the seeded Rng.
 */
import type { Rng } from '@prunekit/core';
import { fillDisc, fillRect, type Palette, type Rgb } from './raster.js';

export interface NuisanceConfig {
  /** Sign radius in pixels (scale). */
  readonly radius: readonly [number, number];
  /** Largest offset of the sign centre from the image centre, pixels per axis. */
  readonly offset: number;
  /** Largest in-plane rotation, degrees either way. */
  readonly rotationDeg: number;
  /** Horizontal squash (sign seen from the side): 1 = frontal. */
  readonly squash: readonly [number, number];
  /** Largest number of background blobs (rectangles and discs) behind the sign. */
  readonly clutter: number;
  /** Chance of a grey pole below the sign. */
  readonly pole: number;
  /** Paint fading: colour jitter and pull toward grey, 0..1. */
  readonly fade: number;
  /** Chance that a foreground rectangle (branch, sticker, another pole) hides part of the sign. */
  readonly occlusion: number;
  /** Largest occluder side as a fraction of the sign's diameter. */
  readonly occlusionSize: number;
  /** Global brightness gain. */
  readonly gain: readonly [number, number];
  /** Contrast around mid-grey. */
  readonly contrast: readonly [number, number];
  /** Largest per-channel colour cast (white balance), ± fraction. */
  readonly tint: number;
  /** Largest darkening of a soft linear shadow across the image, 0..1. */
  readonly shadow: number;
  /** Gaussian blur sigma, pixels (0 = sharp). */
  readonly blur: readonly [number, number];
  /** Additive Gaussian pixel noise sigma (on the 0..1 scale). */
  readonly noise: readonly [number, number];
}

export const DEFAULT_NUISANCE: NuisanceConfig = {
  radius: [10.5, 14.5],
  offset: 3,
  rotationDeg: 12,
  squash: [0.8, 1],
  clutter: 8,
  pole: 0.5,
  fade: 0.15,
  occlusion: 0.25,
  occlusionSize: 0.35,
  gain: [0.55, 1.3],
  contrast: [0.65, 1.1],
  tint: 0.12,
  shadow: 0.45,
  blur: [0, 0.8],
  noise: [0, 0.05],
};

/** No nuisances: a centred, frontal, clean sign on a plain gradient background (no clutter). */
export const CLEAN_NUISANCE: NuisanceConfig = {
  radius: [13, 13],
  offset: 0,
  rotationDeg: 0,
  squash: [1, 1],
  clutter: 0,
  pole: 0,
  fade: 0,
  occlusion: 0,
  occlusionSize: 0,
  gain: [1, 1],
  contrast: [1, 1],
  tint: 0,
  shadow: 0,
  blur: [0, 0],
  noise: [0, 0],
};

export const uniform = (rng: Rng, [lo, hi]: readonly [number, number]): number => lo + (hi - lo) * rng.next();
const clamp01 = (v: number) => (v < 0 ? 0 : Math.min(v, 1));

export const BASE_PALETTE: Palette = {
  red: [0.8, 0.1, 0.12],
  white: [0.93, 0.93, 0.92],
  blue: [0.08, 0.3, 0.72],
  black: [0.07, 0.07, 0.08],
  yellow: [0.96, 0.78, 0.08],
  grey: [0.55, 0.55, 0.56],
};

/** The palette of one image: each paint jittered and faded toward grey. */
export function jitterPalette(rng: Rng, fade: number): Palette {
  const out: Record<string, Rgb> = {};
  for (const [key, c] of Object.entries(BASE_PALETTE)) {
    const f = fade * rng.next();
    const j = (v: number) => clamp01(v * (1 - f) + 0.5 * f + fade * 0.5 * (rng.next() * 2 - 1));
    out[key] = [j(c[0]), j(c[1]), j(c[2])];
  }
  return out as unknown as Palette;
}

// Scene colour families for the background: sky, foliage, buildings/road.
const SCENES: readonly (readonly Rgb[])[] = [
  [
    [0.55, 0.7, 0.9],
    [0.8, 0.87, 0.95],
    [0.9, 0.92, 0.95],
    [0.45, 0.6, 0.85],
  ],
  [
    [0.2, 0.4, 0.15],
    [0.35, 0.55, 0.2],
    [0.15, 0.3, 0.12],
    [0.45, 0.5, 0.3],
  ],
  [
    [0.5, 0.48, 0.45],
    [0.35, 0.33, 0.32],
    [0.6, 0.45, 0.35],
    [0.7, 0.68, 0.62],
  ],
];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)];
}

function jitterColor(rng: Rng, c: Rgb, amount: number): Rgb {
  return [0, 1, 2].map((i) => clamp01(c[i] + amount * (rng.next() * 2 - 1))) as unknown as Rgb;
}

/** Background: a vertical gradient of a scene family plus random blobs (clutter). */
export function paintBackground(img: Float32Array, size: number, rng: Rng, cfg: NuisanceConfig): void {
  const scene = pick(rng, SCENES);
  const top = jitterColor(rng, pick(rng, scene), 0.15);
  const bottom = jitterColor(rng, pick(rng, scene), 0.15);
  for (let y = 0; y < size; y++) {
    const t = y / (size - 1);
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 3;
      for (let ch = 0; ch < 3; ch++) img[o + ch] = top[ch] * (1 - t) + bottom[ch] * t;
    }
  }
  const blobs = rng.int(cfg.clutter + 1);
  for (let k = 0; k < blobs; k++) {
    // Mostly scene colours, sometimes anything (distractors like other signs and cars).
    const c =
      rng.next() < 0.7 ? jitterColor(rng, pick(rng, scene), 0.2) : jitterColor(rng, [0.5, 0.5, 0.5], 0.5);
    const alpha = 0.4 + 0.6 * rng.next();
    const x = rng.next() * size;
    const y = rng.next() * size;
    const s = 2 + rng.next() * size * 0.35;
    if (rng.next() < 0.5) fillRect(img, size, x - s / 2, y - s / 3, x + s / 2, y + s / 3, c, alpha);
    else fillDisc(img, size, x, y, s / 2, c, alpha);
  }
}

/** A grey pole from the sign's centre down to the image's bottom edge. */
export function paintPole(img: Float32Array, size: number, rng: Rng, cx: number, cy: number): void {
  const w = 1.5 + rng.next() * 1.5;
  fillRect(img, size, cx - w / 2, cy, cx + w / 2, size, jitterColor(rng, [0.5, 0.5, 0.52], 0.1));
}

/** A foreground rectangle over part of the sign, entering from a random side. */
export function paintOccluder(
  img: Float32Array,
  size: number,
  rng: Rng,
  cx: number,
  cy: number,
  radius: number,
  cfg: NuisanceConfig,
): void {
  const side = 2 * radius * cfg.occlusionSize * (0.4 + 0.6 * rng.next());
  const long = 2 * radius * (0.5 + 0.7 * rng.next());
  const a = rng.next() * 2 * Math.PI;
  // Centre the occluder near the sign's rim so it hides a part, not the whole sign.
  const ox = cx + Math.cos(a) * radius * 0.95;
  const oy = cy + Math.sin(a) * radius * 0.95;
  const horizontal = Math.abs(Math.sin(a)) > Math.abs(Math.cos(a));
  const [w, h] = horizontal ? [long, side] : [side, long];
  const c = jitterColor(
    rng,
    pick(rng, [
      [0.25, 0.35, 0.15],
      [0.4, 0.3, 0.2],
      [0.6, 0.6, 0.6],
      [0.9, 0.9, 0.85],
    ] as Rgb[]),
    0.1,
  );
  fillRect(img, size, ox - w / 2, oy - h / 2, ox + w / 2, oy + h / 2, c);
}

/** Gain, contrast, colour cast and a soft shadow ramp, in place. */
export function applyLighting(img: Float32Array, size: number, rng: Rng, cfg: NuisanceConfig): void {
  const gain = uniform(rng, cfg.gain);
  const contrast = uniform(rng, cfg.contrast);
  const tint = [0, 1, 2].map(() => 1 + cfg.tint * (rng.next() * 2 - 1));
  const shadow = cfg.shadow * rng.next();
  const a = rng.next() * 2 * Math.PI;
  const dx = Math.cos(a);
  const dy = Math.sin(a);
  const edge = rng.next(); // where along the ramp the shadow starts
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = ((x / size - 0.5) * dx + (y / size - 0.5) * dy) / Math.SQRT2 + 0.5; // 0..1 along the ramp
      const shade = 1 - shadow * clamp01((t - edge) * 4);
      const o = (y * size + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        img[o + ch] = ((img[o + ch] - 0.5) * contrast + 0.5) * gain * tint[ch] * shade;
      }
    }
  }
}

/** Separable Gaussian blur with clamped edges, in place. */
export function applyBlur(img: Float32Array, size: number, sigma: number): void {
  if (sigma < 0.2) return;
  const r = Math.ceil(2 * sigma);
  const k: number[] = [];
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k.push(v);
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(img.length);
  const pass = (src: Float32Array, dst: Float32Array, horizontal: boolean) => {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let r0 = 0;
        let g0 = 0;
        let b0 = 0;
        for (let i = -r; i <= r; i++) {
          const xx = horizontal ? Math.min(size - 1, Math.max(0, x + i)) : x;
          const yy = horizontal ? y : Math.min(size - 1, Math.max(0, y + i));
          const o = (yy * size + xx) * 3;
          const w = k[i + r];
          r0 += src[o] * w;
          g0 += src[o + 1] * w;
          b0 += src[o + 2] * w;
        }
        const o = (y * size + x) * 3;
        dst[o] = r0;
        dst[o + 1] = g0;
        dst[o + 2] = b0;
      }
    }
  };
  pass(img, tmp, true);
  pass(tmp, img, false);
}

/** Additive Gaussian noise, in place. */
export function applyNoise(img: Float32Array, rng: Rng, sigma: number): void {
  if (sigma <= 0) return;
  for (let i = 0; i < img.length; i++) img[i] += sigma * rng.normal();
}
