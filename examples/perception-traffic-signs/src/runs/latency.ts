/**
 * Paired latency of two models on the current backend. The two are timed alternately, call after
 * call (core's one timer, `forwardSamples`), so a shared, busy machine slows both alike. Each call
 * is timed in wall time (what a user waits) and in this process's CPU time (user + system: the
 * work itself, which the scheduler's pauses do not inflate). Ratios are medians of the per-pair
 * ratios.
 */
import { type Forward, forwardSamples, median, quantile } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';

export interface LatencyStats {
  /** Median wall ms per call. */
  readonly medianMs: number;
  /** 99th percentile of the wall ms per call. */
  readonly p99Ms: number;
  /** Median CPU ms per call. */
  readonly cpuMedianMs: number;
}

export interface PairedLatency {
  readonly a: LatencyStats;
  readonly b: LatencyStats;
  /** Median over pairs of wall(a) / wall(b): > 1 means b is faster. */
  readonly wallRatio: number;
  /** Median over pairs of cpu(a) / cpu(b). */
  readonly cpuRatio: number;
  readonly reps: number;
  readonly batch: number;
}

export interface PairedLatencyOptions {
  /** Timed pairs (default 100). */
  readonly reps?: number;
  /** Untimed pairs first (default 5). */
  readonly warmup?: number;
}

const stats = (wall: readonly number[], cpu: readonly number[]): LatencyStats => ({
  medianMs: median(wall),
  p99Ms: quantile(wall, 0.99),
  cpuMedianMs: median(cpu),
});

/**
 * Times `a` and `b` on the same input `x`, alternately (core's round-robin timer: which goes first
 * alternates, so neither always runs on a warmer cache), `reps` times each.
 */
export function pairedLatency(
  a: Forward,
  b: Forward,
  x: tf.Tensor,
  opts: PairedLatencyOptions = {},
): PairedLatency {
  const reps = opts.reps ?? 100;
  const { wall, cpu } = forwardSamples([a, b], x, { reps, warmup: opts.warmup ?? 5, cpu: true });
  const [wa, wb] = wall;
  const [ca, cb] = cpu!;
  return {
    a: stats(wa, ca),
    b: stats(wb, cb),
    wallRatio: median(wa.map((w, i) => w / Math.max(wb[i], 1e-6))),
    cpuRatio: median(ca.map((c, i) => c / Math.max(cb[i], 1e-3))),
    reps,
    batch: x.shape[0] ?? 1,
  };
}

/** The first `batch` images of `x` (a slice the caller disposes). */
export function firstImages(x: tf.Tensor4D, batch: number): tf.Tensor4D {
  return tf.slice(x, [0, 0, 0, 0], [Math.min(batch, x.shape[0]), -1, -1, -1]);
}

const ms = (v: number) => (v < 10 ? v.toFixed(3) : v.toFixed(1));

/** One markdown table row: batch, a and b medians/p99 (wall), CPU medians, and both ratios. */
export function latencyRow(label: string, p: PairedLatency): string {
  return (
    `| ${label} | ${p.batch} | ${ms(p.a.medianMs)} / ${ms(p.a.p99Ms)} | ${ms(p.b.medianMs)} / ${ms(p.b.p99Ms)} | ` +
    `${ms(p.a.cpuMedianMs)} | ${ms(p.b.cpuMedianMs)} | ${p.wallRatio.toFixed(2)} | ${p.cpuRatio.toFixed(2)} | ${p.reps} |`
  );
}

/** Header of the table latencyRow writes into; `a` and `b` name the two models. */
export function latencyHeader(a: string, b: string): string {
  return [
    `| model | batch | ${a} wall ms median / p99 | ${b} wall ms median / p99 | ${a} CPU ms | ${b} CPU ms | wall speedup | CPU speedup | pairs |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ].join('\n');
}
