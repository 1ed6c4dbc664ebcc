// Interleaved timing: on a shared, noisy machine a load spike then hits both sides of a ratio.
import { median } from '@prunekit/core';

export interface PairedTiming {
  aMs: number;
  bMs: number;
  /** Median of the per-pair ratios aMs / bMs. */
  ratio: number;
}

/** Runs a and b alternately `reps` times (after `warmup` rounds); medians of each and of the ratios. */
export async function timePaired(
  a: () => unknown | Promise<unknown>,
  b: () => unknown | Promise<unknown>,
  reps: number,
  warmup = 2,
): Promise<PairedTiming> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await a();
    const t1 = performance.now();
    await b();
    const t2 = performance.now();
    ta.push(t1 - t0);
    tb.push(t2 - t1);
    ratios.push((t1 - t0) / (t2 - t1));
  }
  return { aMs: median(ta), bMs: median(tb), ratio: median(ratios) };
}
