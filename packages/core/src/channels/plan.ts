import { InvalidArgumentError } from '../errors.js';
import type { Scorer } from '../interfaces.js';
import { createRng } from '../rng.js';
import { scoreTarget } from '../scoring.js';
import type { ChannelAnalysis } from './analyze.js';

/** Options of planChannelRemoval: scorer, fraction of channels to remove per group, minimum kept, seed. */
export interface ChannelPlanOptions {
  readonly scorer: Scorer;
  /** Fraction of each group's channels to remove (0 ≤ ratio < 1). */
  readonly ratio: number;
  /** Keep at least this many channels per group. Default 1. */
  readonly minKeep?: number;
  readonly seed?: number;
}

/**
 * The lowest-scoring `ratio` of every prunable group's channels (per group, so every group
 * shrinks by the same fraction), as group id → channels. Scorers see the analysed graph as a
 * plain ModelGraph, so any weight-based scorer works on every format (graph models, ONNX).
 */
export async function planChannelRemoval(
  analysis: ChannelAnalysis,
  opts: ChannelPlanOptions,
): Promise<Map<string, number[]>> {
  if (!(opts.ratio >= 0 && opts.ratio < 1)) {
    throw new InvalidArgumentError(`planChannelRemoval: ratio must be in [0, 1), got ${opts.ratio}.`, {
      field: 'ratio',
    });
  }
  const ctx = { graph: analysis.graph, rng: createRng(opts.seed ?? 0) };
  const removal = new Map<string, number[]>();
  for (const group of analysis.groups) {
    const n = Math.min(group.size - (opts.minKeep ?? 1), Math.floor(group.size * opts.ratio));
    if (n <= 0) continue;
    const values = await scoreTarget(opts.scorer, { kind: 'group', group }, ctx);
    const order = [...values.keys()].sort((a, b) => values[a] - values[b] || a - b);
    removal.set(
      group.id,
      order.slice(0, n).sort((a, b) => a - b),
    );
  }
  return removal;
}
