import { InvalidArgumentError } from '@prunekit/core';

/**
 * Keep-mask (1 keep, 0 prune) that prunes the `count` lowest scores; ties at the threshold are
 * pruned in index order, so the result is deterministic. Uses a native typed-array sort to find
 * the threshold instead of sorting indices with a comparator (much faster on large layers).
 */
export function lowestMask(scores: Float32Array, count: number): Uint8Array {
  const n = scores.length;
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new InvalidArgumentError(`Cannot prune ${count} of ${n} weights.`, { count, n });
  }
  const keep = new Uint8Array(n).fill(1);
  if (count === 0) return keep;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) {
      throw new InvalidArgumentError(
        `Scores contain NaN at element ${i}; the scorer must return finite numbers.`,
      );
    }
  }
  if (count === n) return keep.fill(0);
  const threshold = Float32Array.from(scores).sort()[count - 1];
  let below = 0;
  for (let i = 0; i < n; i++) if (scores[i] < threshold) below++;
  let ties = count - below;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s < threshold) keep[i] = 0;
    else if (s === threshold && ties > 0) {
      keep[i] = 0;
      ties--;
    }
  }
  return keep;
}
