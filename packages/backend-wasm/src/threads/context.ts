import type { ThreadPool } from './pool.js';
import type { ThreadedBackend, WeightCache } from './weight_cache.js';

/** What the threaded kernels share: the pool, the weights it holds, and when threading is used. */
export interface ThreadsContext {
  pool: ThreadPool;
  cache: WeightCache;
  /** Calls doing fewer multiply-adds (stored entries × columns) than this stay single-threaded. */
  minWork: number;
}

/** Copies `bytes` from the backend's heap at `addr` into the shared buffer at `off`. */
export function heapToShared(
  backend: ThreadedBackend,
  addr: number,
  bytes: number,
  sab: SharedArrayBuffer,
  off: number,
): void {
  new Uint8Array(sab, off, bytes).set(new Uint8Array(backend.wasm.HEAPU8.buffer, addr, bytes));
}

/** Copies `bytes` from the shared buffer at `off` into the backend's heap at `addr`. */
export function sharedToHeap(
  backend: ThreadedBackend,
  sab: SharedArrayBuffer,
  off: number,
  bytes: number,
  addr: number,
): void {
  new Uint8Array(backend.wasm.HEAPU8.buffer, addr, bytes).set(new Uint8Array(sab, off, bytes));
}

/** Waits for every worker (even after one failed), then rethrows the first failure. */
export function waitAll(pool: ThreadPool): void {
  let failure: unknown;
  for (let w = 0; w < pool.size; w++) {
    try {
      pool.wait(w);
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure) throw failure;
}

/** Multiply-adds of a call: stored values (every entry of a BSR block) times dense columns. */
export function storedWork(inputs: { values: { shape: number[] } }, columns: number): number {
  return inputs.values.shape[0] * columns;
}
