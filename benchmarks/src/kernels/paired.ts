// Interleaved timing on a shared, noisy machine. Each side of a ratio is timed alternately, in
// wall time and in this process's CPU time (user + system): with the 2 cores oversubscribed by
// other work, wall time mostly measures the scheduler, while CPU time measures the work itself.
// Single-threaded code (tfjs-wasm in Node, our kernels) is compared on CPU time; both are reported.
import { median } from '@prunekit/core';

export interface PairedTiming {
  /** Median wall ms per call. */
  aMs: number;
  bMs: number;
  /** Median of the per-pair wall ratios a / b. */
  ratio: number;
  /** Median CPU ms per call. */
  aCpuMs: number;
  bCpuMs: number;
  /** Median of the per-pair CPU-time ratios a / b. */
  cpuRatio: number;
  /** Calls per timed sample (short calls are grouped so a sample is well above the clock's grain). */
  inner: number;
}

type Fn = () => unknown | Promise<unknown>;

async function sample(fn: Fn, inner: number): Promise<[number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [wall / inner, (c.user + c.system) / 1000 / inner];
}

/** Runs a and b alternately `reps` times (after warm-up); medians of each side and of the ratios. */
export async function timePaired(
  a: Fn,
  b: Fn,
  reps: number,
  warmup = 2,
  minSampleMs = 3,
): Promise<PairedTiming> {
  let fastest = Infinity;
  for (let i = 0; i < warmup; i++) {
    fastest = Math.min(fastest, (await sample(a, 1))[1], (await sample(b, 1))[1]);
  }
  const inner = Math.max(1, Math.min(50, Math.ceil(minSampleMs / Math.max(fastest, 1e-3))));
  const wa: number[] = [];
  const wb: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  const wr: number[] = [];
  const cr: number[] = [];
  for (let i = 0; i < reps; i++) {
    const [w1, c1] = await sample(a, inner);
    const [w2, c2] = await sample(b, inner);
    wa.push(w1);
    wb.push(w2);
    ca.push(c1);
    cb.push(c2);
    wr.push(w1 / w2);
    cr.push(c1 / Math.max(c2, 1e-6));
  }
  return {
    aMs: median(wa),
    bMs: median(wb),
    ratio: median(wr),
    aCpuMs: median(ca),
    bCpuMs: median(cb),
    cpuRatio: median(cr),
    inner,
  };
}
