import { type DependencyGroup, InvalidArgumentError } from '@prunekit/core';

/** One group with its channel scores (higher = more important). */
export interface ScoredGroup {
  readonly group: DependencyGroup;
  readonly scores: Float32Array;
}

/** Channel indices sorted by ascending score (ties: lower index first). */
function ascending(scores: Float32Array): number[] {
  return [...scores.keys()].sort((a, b) => scores[a] - scores[b] || a - b);
}

/** Smallest count ≥ keep that is a multiple of roundTo, capped at size. */
export function roundKeep(keep: number, size: number, roundTo: number): number {
  if (roundTo <= 1) return keep;
  return Math.min(size, Math.ceil(keep / roundTo) * roundTo);
}

/** Channels to remove from one group at `ratio`: its lowest-scored ones, keeping ≥ 1 and a multiple of roundTo. */
export function selectGroupChannels(s: ScoredGroup, ratio: number, roundTo: number): number[] {
  const size = s.group.size;
  const keep = roundKeep(Math.max(1, size - Math.floor(size * ratio + 1e-9)), size, roundTo);
  if (keep < 1) {
    throw new InvalidArgumentError(
      `Ratio ${ratio} would empty layer(s) ${s.group.roots.map((r) => `'${r}'`).join(', ')}; keep at least one channel.`,
      { group: s.group.id, layers: s.group.roots },
    );
  }
  return ascending(s.scores)
    .slice(0, size - keep)
    .sort((a, b) => a - b);
}

/**
 * One ranking over the channels of all groups: the lowest-scored channels go first until
 * `ratio` of all channels is removed, no group losing more than maxPerLayer of its channels (and
 * never its last one). Then each group's kept count is rounded up to a multiple of roundTo by
 * putting back its best removed channels.
 */
export function selectGlobalChannels(
  items: readonly ScoredGroup[],
  ratio: number,
  maxPerLayer: number,
  roundTo: number,
): number[][] {
  const total = items.reduce((a, s) => a + s.group.size, 0);
  const target = Math.floor(total * ratio + 1e-9);
  const cap = items.map((s) => Math.min(s.group.size - 1, Math.floor(s.group.size * maxPerLayer + 1e-9)));
  const all: { g: number; c: number; v: number }[] = [];
  items.forEach((s, g) => {
    for (let c = 0; c < s.scores.length; c++) all.push({ g, c, v: s.scores[c] });
  });
  all.sort((a, b) => a.v - b.v || a.g - b.g || a.c - b.c);
  const removed: number[][] = items.map(() => []);
  let n = 0;
  for (const e of all) {
    if (n >= target) break;
    if (removed[e.g].length >= cap[e.g]) continue;
    removed[e.g].push(e.c);
    n++;
  }
  return removed.map((r, g) => {
    const size = items[g].group.size;
    const keep = roundKeep(size - r.length, size, roundTo);
    // r is in ascending score order: drop the best-scored removals first.
    return r.slice(0, size - keep).sort((a, b) => a - b);
  });
}
