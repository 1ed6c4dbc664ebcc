/**
 * Seeded multitask scenes: a 32×32 road scene (the lane-segmentation example's renderRoad) with a
 * traffic sign (the traffic-sign example's generator) composited on the roadside. Rules (README.md,
 * "Simulator"): the sign crop is shrunk to a disc of `signSize` pixels, placed in one of the two
 * upper corners (left or right roadside, at most `margin` pixels from the edges), blended with a
 * one-pixel soft rim; the lane mask is the road's mask with every pixel the sign covers (alpha ≥ ½)
 * labelled background. Sample i depends only on (seed, i) and the options.
 */
import { checkRange, createRng, InvalidArgumentError } from '@prunekit/core';
import { generateLanes, LANE_CLASS_NAMES } from '@prunekit/example-perception-lane-segmentation/generator';
import { generateDataset } from '@prunekit/example-perception-traffic-signs/generator';

export const IMAGE_SIZE = 32;

/** Lane class that sign pixels take in the mask. */
export const BACKGROUND_CLASS = 0;

export interface MultitaskDataset {
  /** Side of each square image, pixels. */
  readonly size: number;
  readonly count: number;
  /** `count` images, HWC RGB, 8 bits per channel, back to back. */
  readonly images: Uint8Array;
  /** Sign class of each image. */
  readonly signLabels: Int32Array;
  /** `count` masks of size × size lane class ids, back to back. */
  readonly masks: Uint8Array;
  /** Where each sign sits: [x0, y0, diameter] of its disc's square, per image. */
  readonly signBoxes: Int32Array;
  readonly signNames: readonly string[];
  readonly laneNames: readonly string[];
}

export interface SceneOptions {
  /** Diameter range of the sign disc, pixels (inclusive; default [18, 24]). */
  readonly signSize?: readonly [number, number];
  /** Largest distance of the sign's square from the image's top and side edge (default 3). */
  readonly margin?: number;
}

/**
 * The sign crops drawn for compositing: a sign filling its crop (the disc cut keeps its face and
 * little of the crop's own background), upright enough to read at half size, no pole.
 */
const SIGN_CROP = { radius: [13.5, 15.5], offset: 1, rotationDeg: 8, pole: 0, occlusion: 0.1 } as const;

/** Independent sub-seeds of a dataset seed (signs, roads, placement). */
function subSeed(seed: number, k: number): number {
  let h = Math.imul(seed ^ 0x6a09e667, 0x85ebca6b) ^ Math.imul(k + 0x3c6ef372, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2d);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Area-average resampling of a square HWC RGB image from `src` to `dst` pixels a side: each output
 * pixel is the mean of the source area it covers (fractional edges weighted), values in 0..255.
 */
export function shrinkArea(image: Uint8Array, src: number, dst: number): Float32Array {
  const out = new Float32Array(dst * dst * 3);
  const f = src / dst;
  for (let v = 0; v < dst; v++) {
    const y0 = v * f;
    const y1 = y0 + f;
    for (let u = 0; u < dst; u++) {
      const x0 = u * f;
      const x1 = x0 + f;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = Math.floor(y0); y < Math.min(src, Math.ceil(y1)); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(src, Math.ceil(x1)); x++) {
          const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
          const i = (y * src + x) * 3;
          r += w * image[i];
          g += w * image[i + 1];
          b += w * image[i + 2];
        }
      }
      const o = (v * dst + u) * 3;
      const area = f * f;
      out[o] = r / area;
      out[o + 1] = g / area;
      out[o + 2] = b / area;
    }
  }
  return out;
}

/**
 * Blends a shrunk sign (`sign`, `d`×`d` RGB floats) as a disc with its square's top-left corner at
 * (x0, y0) into `image` (size×size RGB bytes) and sets the covered pixels of `mask` to background.
 */
export function compositeSign(
  image: Uint8Array,
  mask: Uint8Array,
  size: number,
  sign: Float32Array,
  d: number,
  x0: number,
  y0: number,
): void {
  const c = d / 2;
  for (let v = 0; v < d; v++) {
    const y = y0 + v;
    if (y < 0 || y >= size) continue;
    for (let u = 0; u < d; u++) {
      const x = x0 + u;
      if (x < 0 || x >= size) continue;
      const dist = Math.hypot(u + 0.5 - c, v + 0.5 - c);
      const alpha = Math.min(1, Math.max(0, c - dist + 0.5));
      if (alpha === 0) continue;
      const p = y * size + x;
      const s = (v * d + u) * 3;
      for (let k = 0; k < 3; k++) {
        image[p * 3 + k] = Math.round(alpha * sign[s + k] + (1 - alpha) * image[p * 3 + k]);
      }
      if (alpha >= 0.5) mask[p] = BACKGROUND_CLASS;
    }
  }
}

/** `count` scenes with balanced sign classes in a seeded order; same seed → identical bytes. */
export function generateScenes(seed: number, count: number, opts: SceneOptions = {}): MultitaskDataset {
  checkRange('seed', seed, 0, 2 ** 32, { integer: true });
  checkRange('count', count, 1, 10_000_000, { integer: true });
  const [lo, hi] = opts.signSize ?? [18, 24];
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 4 && lo <= hi && hi <= IMAGE_SIZE)) {
    throw new InvalidArgumentError(
      `signSize must be [min, max] integers with 4 ≤ min ≤ max ≤ ${IMAGE_SIZE}, got ${JSON.stringify(opts.signSize)}.`,
      { field: 'signSize' },
    );
  }
  const margin = checkRange('margin', opts.margin ?? 3, 0, IMAGE_SIZE, { integer: true });
  const signs = generateDataset(count, subSeed(seed, 1), { nuisance: SIGN_CROP });
  const roads = generateLanes(subSeed(seed, 2), count, { height: IMAGE_SIZE, width: IMAGE_SIZE });
  const px = IMAGE_SIZE * IMAGE_SIZE;
  const crop = signs.size * signs.size * 3;
  const images = roads.images;
  const masks = roads.masks;
  const signBoxes = new Int32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const rng = createRng(subSeed(subSeed(seed, 3), i));
    const d = lo + rng.int(hi - lo + 1);
    const right = rng.next() < 0.5;
    const dx = rng.int(margin + 1);
    const x0 = right ? IMAGE_SIZE - d - dx : dx;
    const y0 = rng.int(margin + 1);
    signBoxes.set([x0, y0, d], i * 3);
    const shrunk = shrinkArea(signs.images.subarray(i * crop, (i + 1) * crop), signs.size, d);
    compositeSign(
      images.subarray(i * px * 3, (i + 1) * px * 3),
      masks.subarray(i * px, (i + 1) * px),
      IMAGE_SIZE,
      shrunk,
      d,
      x0,
      y0,
    );
  }
  return {
    size: IMAGE_SIZE,
    count,
    images,
    signLabels: signs.labels,
    masks,
    signBoxes,
    signNames: signs.classNames,
    laneNames: LANE_CLASS_NAMES,
  };
}
