/**
 * Seeded generator of road images with per-pixel lane labels (see README.md, "Simulator"): a
 * pinhole camera over a flat road whose centreline has constant curvature, lane lines (solid edges,
 * dashed or solid inner lines), shadows, vehicles, light and sensor noise. Image i of a dataset
 * depends only on (seed, i), so the same seed gives byte-identical data.
 */
import { checkRange, createRng, InvalidArgumentError, type Rng } from '@prunekit/core';
import { renderScene } from './render.js';
import { sampleScene } from './scene.js';

/** Class ids are the indices: 0 background/off-road (incl. vehicles and sky), 1 drivable road, 2 lane marking. */
export const LANE_CLASS_NAMES: readonly string[] = Object.freeze(['background', 'drivable', 'lane-marking']);

export const DEFAULT_HEIGHT = 48;
export const DEFAULT_WIDTH = 64;

export interface LaneDataset {
  readonly height: number;
  readonly width: number;
  readonly count: number;
  /** `count` images, HWC RGB, 8 bits per channel, back to back. */
  readonly images: Uint8Array;
  /** `count` masks of height × width class ids, back to back. */
  readonly masks: Uint8Array;
  readonly numClasses: number;
  readonly classNames: readonly string[];
}

export interface LaneOptions {
  /** Image height in pixels (default 48). */
  readonly height?: number;
  /** Image width in pixels (default 64). */
  readonly width?: number;
}

/** A 32-bit mix of (seed, index) so each image has its own independent stream. */
export function imageSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x2f6b3a17, 0x27d4eb2d) ^ Math.imul(index + 0x3c6ef372, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function checkSize(field: string, value: unknown): number {
  return checkRange(field, value, 8, 1024, { integer: true, maxInclusive: true });
}

/**
 * One road scene drawn from `rng`: image (height × width × 3 RGB bytes) and mask (height × width
 * class ids). Pass `into` to render into caller-owned buffers (e.g. a slot of a larger array) so
 * other examples can composite onto the scene; otherwise new arrays are returned.
 */
export function renderRoad(
  rng: Rng,
  height: number,
  width: number,
  into?: { image: Uint8Array; mask: Uint8Array },
): { image: Uint8Array; mask: Uint8Array } {
  checkSize('height', height);
  checkSize('width', width);
  const image = into?.image ?? new Uint8Array(height * width * 3);
  const mask = into?.mask ?? new Uint8Array(height * width);
  if (image.length !== height * width * 3 || mask.length !== height * width) {
    throw new InvalidArgumentError(
      `renderRoad: buffers must hold ${height * width * 3} image bytes and ${height * width} mask bytes, got ${image.length} and ${mask.length}; allocate them for ${height}×${width}.`,
      { height, width },
    );
  }
  const scene = sampleScene(rng, height, width);
  renderScene(scene, rng, height, width, image, mask);
  return { image, mask };
}

/** `count` scenes; image i depends only on (seed, i) and the size. */
export function generateLanes(seed: number, count: number, opts: LaneOptions = {}): LaneDataset {
  checkRange('seed', seed, 0, 2 ** 32, { integer: true });
  checkRange('count', count, 1, 10_000_000, { integer: true });
  const height = checkSize('height', opts.height ?? DEFAULT_HEIGHT);
  const width = checkSize('width', opts.width ?? DEFAULT_WIDTH);
  const px = height * width;
  const images = new Uint8Array(count * px * 3);
  const masks = new Uint8Array(count * px);
  for (let i = 0; i < count; i++) {
    renderRoad(createRng(imageSeed(seed, i)), height, width, {
      image: images.subarray(i * px * 3, (i + 1) * px * 3),
      mask: masks.subarray(i * px, (i + 1) * px),
    });
  }
  return {
    height,
    width,
    count,
    images,
    masks,
    numClasses: LANE_CLASS_NAMES.length,
    classNames: LANE_CLASS_NAMES,
  };
}
