/**
 * Seeded generator of 32×32 RGB traffic-sign crops. Pipeline per image (see README.md):
 * background + clutter → pole → sign (rotated, scaled, squashed, offset; anti-aliased) → occluder
 * → lighting → blur → noise → 8-bit quantisation. Image i of a dataset depends only on (seed, i),
 * so the same seed gives byte-identical datasets.
 */
import { checkRange, createRng, InvalidArgumentError, type Rng } from '@prunekit/core';
import { IMAGE_SIZE } from './image.js';
import {
  applyBlur,
  applyLighting,
  applyNoise,
  DEFAULT_NUISANCE,
  jitterPalette,
  type NuisanceConfig,
  paintBackground,
  paintOccluder,
  paintPole,
  uniform,
} from './nuisance.js';
import { drawSign } from './raster.js';
import { CLASS_NAMES, SIGN_CLASSES } from './signs.js';

export interface SignDataset {
  /** Side of each square image, pixels. */
  readonly size: number;
  readonly count: number;
  /** `count` images, HWC RGB, 8 bits per channel, back to back. */
  readonly images: Uint8Array;
  /** Class index of each image. */
  readonly labels: Int32Array;
  readonly numClasses: number;
  readonly classNames: readonly string[];
}

export interface GenerateOptions {
  /** Nuisance ranges; unspecified fields keep DEFAULT_NUISANCE. */
  readonly nuisance?: Partial<NuisanceConfig>;
  /** Supersampling per axis for anti-aliasing (1 = off). Default 2. */
  readonly supersample?: number;
}

/** A 32-bit mix of (seed, index) so each image has its own independent stream. */
function imageSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(index + 0x165667b1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Renders one image of class `label` into a new Uint8Array (HWC RGB). */
export function renderSign(
  label: number,
  rng: Rng,
  cfg: NuisanceConfig = DEFAULT_NUISANCE,
  supersample = 2,
): Uint8Array {
  const size = IMAGE_SIZE;
  const sign = SIGN_CLASSES[label];
  if (!sign) {
    throw new InvalidArgumentError(`label ${label} is not a sign class (0..${SIGN_CLASSES.length - 1}).`, {
      label,
    });
  }
  const img = new Float32Array(size * size * 3);
  paintBackground(img, size, rng, cfg);
  const radius = uniform(rng, cfg.radius);
  const cx = size / 2 + cfg.offset * (rng.next() * 2 - 1);
  const cy = size / 2 + cfg.offset * (rng.next() * 2 - 1);
  if (rng.next() < cfg.pole) paintPole(img, size, rng, cx, cy);
  const place = {
    cx,
    cy,
    radius,
    angle: ((cfg.rotationDeg * Math.PI) / 180) * (rng.next() * 2 - 1),
    squash: uniform(rng, cfg.squash),
  };
  drawSign(img, size, sign.paints, jitterPalette(rng, cfg.fade), place, supersample);
  if (rng.next() < cfg.occlusion) paintOccluder(img, size, rng, cx, cy, radius, cfg);
  applyLighting(img, size, rng, cfg);
  applyBlur(img, size, uniform(rng, cfg.blur));
  applyNoise(img, rng, uniform(rng, cfg.noise));
  const out = new Uint8Array(img.length);
  for (let i = 0; i < img.length; i++) {
    const v = Math.round(img[i] * 255);
    out[i] = v < 0 ? 0 : Math.min(v, 255);
  }
  return out;
}

/**
 * `count` images with balanced labels in a seeded random order. Image i depends only on
 * (seed, i) and the options.
 */
export function generateDataset(count: number, seed: number, opts: GenerateOptions = {}): SignDataset {
  checkRange('count', count, 1, 10_000_000, { integer: true });
  checkRange('seed', seed, 0, 2 ** 32, { integer: true });
  const supersample = checkRange('supersample', opts.supersample ?? 2, 1, 8, {
    integer: true,
    maxInclusive: true,
  });
  const cfg = { ...DEFAULT_NUISANCE, ...opts.nuisance };
  const numClasses = SIGN_CLASSES.length;
  const order = createRng(seed).shuffle(Array.from({ length: count }, (_, i) => i % numClasses));
  const px = IMAGE_SIZE * IMAGE_SIZE * 3;
  const images = new Uint8Array(count * px);
  const labels = Int32Array.from(order);
  for (let i = 0; i < count; i++) {
    images.set(renderSign(labels[i], createRng(imageSeed(seed, i)), cfg, supersample), i * px);
  }
  return { size: IMAGE_SIZE, count, images, labels, numClasses, classNames: CLASS_NAMES };
}
