/**
 * The one forward-pass timer: models timed round-robin (model 1, 2, …, 1, 2, …, the first one
 * rotating every round) so a busy shared machine slows them all alike. A pass is timed until every
 * output is read back (`dataSync`) and freed. Wall time is always taken; this process's CPU time
 * (user + system, Node only) too when asked, which a shared machine's scheduler pauses do not
 * inflate. The deadline pruner's `timeModel`, the recipe's measure stage and the examples' paired
 * latency all read these samples.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors.js';
import { median, quantile } from './results.js';

/** Anything with a forward pass: a tfjs LayersModel or GraphModel. */
export interface Forward {
  predict(x: tf.Tensor | tf.Tensor[]): unknown;
}

/** One model's latency: median and 99th percentile in ms over `reps` timed passes. */
export interface Latency {
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly reps: number;
}

/** How forwardSamples times: timed and warm-up rounds, and whether CPU time is taken too. */
export interface SampleOptions {
  /** Timed rounds; every model runs once per round. */
  readonly reps: number;
  /** Untimed rounds first (kernel set-up, caches). Default 10. */
  readonly warmup?: number;
  /**
   * Keep warming up (whole rounds) until this many ms have passed, too (default 0). A small model's
   * first hundred or so calls can run several times slower than its later ones (JIT, caches), far
   * more than a fixed count of rounds covers.
   */
  readonly warmupMs?: number;
  /** Also take this process's CPU time per pass (needs Node's process.cpuUsage). */
  readonly cpu?: boolean;
}

/** Per model, one entry per timed round: wall ms, and CPU ms when asked. */
export interface ForwardSamples {
  readonly wall: number[][];
  readonly cpu?: number[][];
}

type CpuUsage = (prev?: { user: number; system: number }) => { user: number; system: number };

function cpuUsage(): CpuUsage {
  const proc = (globalThis as { process?: { cpuUsage?: CpuUsage } }).process;
  if (!proc?.cpuUsage) {
    throw new InvalidArgumentError("CPU time needs Node's process.cpuUsage(); time wall clock here.", {
      field: 'clock',
    });
  }
  return proc.cpuUsage.bind(proc);
}

function flatten(out: unknown): tf.Tensor[] {
  if (Array.isArray(out)) return out as tf.Tensor[];
  if (out && typeof (out as tf.Tensor).dataSync === 'function') return [out as tf.Tensor];
  return Object.values(out as Record<string, tf.Tensor>); // a GraphModel's named outputs
}

/** Times `models` round-robin on `inputs` (see the module comment). */
export function forwardSamples(
  models: readonly Forward[],
  inputs: tf.Tensor | tf.Tensor[],
  o: SampleOptions,
): ForwardSamples {
  const usage = o.cpu ? cpuUsage() : undefined;
  const wall = models.map(() => [] as number[]);
  const cpu = models.map(() => [] as number[]);
  const once = (m: Forward): [number, number] => {
    const c0 = usage?.();
    const t0 = performance.now();
    for (const y of flatten(m.predict(inputs))) {
      y.dataSync();
      y.dispose();
    }
    const ms = performance.now() - t0;
    const c = c0 ? usage!(c0) : undefined;
    return [ms, c ? (c.user + c.system) / 1000 : 0];
  };
  const warm = performance.now();
  for (let r = 0; r < (o.warmup ?? 10) || performance.now() - warm < (o.warmupMs ?? 0); r++)
    for (const m of models) once(m);
  for (let r = 0; r < o.reps; r++) {
    // Rotate the starting model so none always runs first.
    for (let k = 0; k < models.length; k++) {
      const i = (r + k) % models.length;
      const [w, c] = once(models[i]);
      wall[i].push(w);
      cpu[i].push(c);
    }
  }
  return usage ? { wall, cpu } : { wall };
}

/** Median and 99th percentile of one model's samples. */
export const latencyOf = (samples: readonly number[]): Latency => ({
  medianMs: median(samples),
  p99Ms: quantile(samples, 0.99),
  reps: samples.length,
});

/**
 * Latency of each of `models` on `inputs`, timed round-robin: `warmup` untimed rounds, then `reps`
 * timed; `clock` 'cpu' reads this process's CPU time instead of wall time.
 */
export function roundRobinLatency(
  models: readonly Forward[],
  inputs: tf.Tensor | tf.Tensor[],
  reps: number,
  warmup = 10,
  clock: 'wall' | 'cpu' = 'wall',
): Latency[] {
  const s = forwardSamples(models, inputs, { reps, warmup, cpu: clock === 'cpu' });
  return (clock === 'cpu' ? s.cpu! : s.wall).map(latencyOf);
}
