import { availableParallelism } from 'node:os';
import { BackendError, InvalidArgumentError } from '@prunekit/core';
import { kernelNames } from '@prunekit/sparse';
import { type KernelConfig, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { registerSparseKernels } from '../sparse/register.js';
import { threadedSparseConv2dConfig } from './SparseConv2D_threads.js';
import { threadedSparseMatMulConfig } from './SparseMatMul_threads.js';
import type { ThreadsContext } from './context.js';
import { sparseKernelModule } from './kernel_module.js';
import { ThreadPool } from './pool.js';
import { WeightCache } from './weight_cache.js';

/** Options of useThreads(): the worker count, the work below which a call stays on the main thread, and whether the main thread works too. */
export interface ThreadsOptions {
  /**
   * Worker threads besides the main thread, which computes a share too. Default: the machine's
   * available parallelism minus one (at least 1).
   */
  workers?: number;
  /**
   * Calls with fewer multiply-adds than this (stored values × dense columns) stay single-threaded:
   * below it the copies and the hand-off cost more than the second core saves. Default 2^21
   * (about 2M; see the break-even rows of `pnpm bench:threads`). 0 threads every call.
   */
  minWork?: number;
  /**
   * Whether the main thread computes chunks too (default true). false leaves all the arithmetic
   * to the workers: the main thread still copies inputs and results and waits.
   */
  mainThreadWorks?: boolean;
  /**
   * Milliseconds the main thread spins on the workers' last chunks before it sleeps (default
   * DEFAULT_SPIN_MS). Spinning keeps it on its core; sleeping frees the core but, on a busy
   * machine, waking up again waits for the scheduler.
   */
  spinMs?: number;
}

/** Handle on the running threads; `dispose()` restores the single-threaded kernels. */
export interface Threads {
  readonly workers: number;
  /** The current threshold; settable (e.g. Infinity to run single-threaded for a while). */
  minWork: number;
  /** The current spin time (ms); settable. */
  spinMs: number;
  /** Sparse operands the workers currently hold a copy of. */
  readonly weightSets: number;
  /** Restores the single-threaded kernels and resolves once every worker has exited. */
  dispose(): Promise<void>;
}

/** Multiply-adds below which a sparse call stays on the main thread (threads cost more than they save). */
export const DEFAULT_MIN_WORK = 2 ** 21;
/** How long the main thread spins for worker results before it blocks (ms). */
export const DEFAULT_SPIN_MS = 0.5;

let active: Threads | undefined;

function checkOptions(opts: ThreadsOptions): { workers: number; minWork: number; spinMs: number } {
  const workers = opts.workers ?? Math.max(1, availableParallelism() - 1);
  const minWork = opts.minWork ?? DEFAULT_MIN_WORK;
  const spinMs = opts.spinMs ?? DEFAULT_SPIN_MS;
  if (!(spinMs >= 0 && spinMs < 1000)) {
    throw new InvalidArgumentError(
      `useThreads: spinMs must be a number of milliseconds from 0 to 1000, got ${spinMs}.`,
    );
  }
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new InvalidArgumentError(`useThreads: workers must be an integer from 1 to 64, got ${workers}.`);
  }
  if (!(minWork >= 0)) {
    throw new InvalidArgumentError(`useThreads: minWork must be a number ≥ 0, got ${minWork}.`);
  }
  return { workers, minWork, spinMs };
}

/**
 * Runs the 'wasm' sparse kernels (SparseMatMul, SparseConv2D) on the main thread plus `workers`
 * worker threads. Opt-in: until this is called, and after `dispose()`, they run single-threaded.
 * Kernels stay synchronous: the main thread computes its share, then blocks on Atomics until the
 * workers are done. One set of threads at a time.
 */
export async function useThreads(opts: ThreadsOptions = {}): Promise<Threads> {
  const { workers, minWork, spinMs } = checkOptions(opts);
  if (active) {
    throw new BackendError('useThreads: threads are already running; dispose() the previous handle first.');
  }
  registerSparseKernels();
  const pool = new ThreadPool(sparseKernelModule(), workers);
  pool.spinMs = spinMs;
  const ctx: ThreadsContext = {
    pool,
    cache: new WeightCache(pool),
    minWork,
    mainWorks: opts.mainThreadWorks ?? true,
  };
  const replaced: KernelConfig[] = [kernelNames.SparseMatMul, kernelNames.SparseConv2D].map(
    (name) => getKernel(name, 'wasm') as KernelConfig,
  );
  const swap = (configs: readonly KernelConfig[]) => {
    for (const c of configs) {
      unregisterKernel(c.kernelName, c.backendName);
      registerKernel(c);
    }
  };
  swap([threadedSparseMatMulConfig(ctx), threadedSparseConv2dConfig(ctx)]);
  const handle: Threads = {
    workers,
    get minWork() {
      return ctx.minWork;
    },
    set minWork(v: number) {
      ctx.minWork = checkOptions({ workers, minWork: v }).minWork;
    },
    get spinMs() {
      return pool.spinMs;
    },
    set spinMs(v: number) {
      pool.spinMs = checkOptions({ workers, spinMs: v }).spinMs;
    },
    get weightSets() {
      return ctx.cache.size;
    },
    async dispose() {
      if (active === handle) {
        swap(replaced);
        active = undefined;
      }
      await pool.close();
    },
  };
  active = handle;
  try {
    await pool.ready();
  } catch (e) {
    await handle.dispose();
    throw e;
  }
  return handle;
}
