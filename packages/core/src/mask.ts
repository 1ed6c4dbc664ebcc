import { InvalidArgumentError, ShapeError } from './errors.js';
import { sizeOf } from './graph.js';

/** A keep-mask over one parameter: 1 keeps the weight, 0 prunes it. */
export interface Mask {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** Masks by parameter id. */
export type MaskSet = Map<string, Mask>;

/** A mask of `shape` with every entry `fill` (1 keeps a weight, 0 prunes it). */
export function createMask(shape: readonly number[], fill: 0 | 1 = 1): Mask {
  return { shape: [...shape], data: new Uint8Array(sizeOf(shape)).fill(fill) };
}

/** Number of pruned (0) entries of a mask. */
export function maskZeros(mask: Mask): number {
  let zeros = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] === 0) zeros++;
  return zeros;
}

/** Fraction of pruned entries of one mask, or over all masks of a set together (0 when empty). */
export function maskSparsity(masks: Mask | ReadonlyMap<string, Mask>): number {
  const list =
    (masks as Mask).data instanceof Uint8Array
      ? [masks as Mask]
      : [...(masks as ReadonlyMap<string, Mask>).values()];
  let zeros = 0;
  let total = 0;
  for (const m of list) {
    zeros += maskZeros(m);
    total += m.data.length;
  }
  return total === 0 ? 0 : zeros / total;
}

/** Deep copy of a mask set (masks handed out are never the ones a pruner keeps). */
export function copyMasks(masks: ReadonlyMap<string, Mask>): MaskSet {
  return new Map([...masks].map(([id, m]) => [id, { shape: [...m.shape], data: m.data.slice() }]));
}

/** Element-wise AND of two masks of the same shape. */
export function intersectMasks(a: Mask, b: Mask): Mask {
  if (a.data.length !== b.data.length) {
    throw new ShapeError(`Cannot combine masks of shapes [${a.shape}] and [${b.shape}].`);
  }
  const data = new Uint8Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i] & b.data[i];
  return { shape: [...a.shape], data };
}

/** Zeros `values` where the mask is 0 (in place) and returns it. */
export function applyMaskToValues(values: Float32Array, mask: Mask): Float32Array {
  if (values.length !== mask.data.length) {
    throw new ShapeError(`Mask of ${mask.data.length} elements does not fit ${values.length} values.`);
  }
  for (let i = 0; i < values.length; i++) if (mask.data[i] === 0) values[i] = 0;
  return values;
}

/**
 * Keep-mask that prunes the `count` lowest scores (ties broken by index, so the result is
 * deterministic). NaN scores are refused.
 */
export function maskLowest(shape: readonly number[], scores: Float32Array, count: number): Mask {
  if (scores.length !== sizeOf(shape)) {
    throw new ShapeError(`Scores of ${scores.length} elements do not fit shape [${shape}].`);
  }
  if (!Number.isInteger(count) || count < 0 || count > scores.length) {
    throw new InvalidArgumentError(`Cannot prune ${count} of ${scores.length} weights.`);
  }
  const order = Array.from(scores.keys());
  for (const s of scores) if (Number.isNaN(s)) throw new InvalidArgumentError('Scores contain NaN.');
  order.sort((i, j) => scores[i] - scores[j] || i - j);
  const mask = createMask(shape, 1);
  for (let k = 0; k < count; k++) mask.data[order[k]] = 0;
  return mask;
}

/** Mask whose zeros are exactly the zeros of `values` (recover masks from a pruned model). */
export function maskFromZeros(shape: readonly number[], values: Float32Array): Mask {
  const mask = createMask(shape, 1);
  for (let i = 0; i < values.length; i++) if (values[i] === 0) mask.data[i] = 0;
  return mask;
}
