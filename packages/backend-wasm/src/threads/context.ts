import { type PreparedOperand, kindCode } from '../sparse/operand.js';
import type { ThreadPool } from './pool.js';
import { MAX_CHUNKS } from './protocol.js';
import type { OperandView } from './slices.js';
import type { ThreadedBackend, WeightCache } from './weight_cache.js';

/** What the threaded kernels share: the pool, the weights it holds, and when threading is used. */
export interface ThreadsContext {
  pool: ThreadPool;
  cache: WeightCache;
  /** Calls doing fewer multiply-adds (stored entries × columns) than this stay single-threaded. */
  minWork: number;
  /** Whether the main thread takes chunks too (else it only hands out work and waits). */
  mainWorks: boolean;
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

/**
 * Copies the chunks the workers ran (`mine[c]` false) from the shared buffer at `sabBase` into the
 * heap at `heapBase`; chunk c covers units [cuts[c], cuts[c+1]) of `unitBytes` each, in both.
 */
export function gatherChunks(
  backend: ThreadedBackend,
  sab: SharedArrayBuffer,
  mine: readonly boolean[],
  cuts: readonly number[],
  unitBytes: number,
  sabBase: number,
  heapBase: number,
): void {
  const heap = new Uint8Array(backend.wasm.HEAPU8.buffer);
  mine.forEach((m, c) => {
    if (m) return;
    const at = cuts[c] * unitBytes;
    heap.set(new Uint8Array(sab, sabBase + at, (cuts[c + 1] - cuts[c]) * unitBytes), heapBase + at);
  });
}

/** Multiply-adds of a call: stored values (every entry of a BSR block) times dense columns. */
export function storedWork(inputs: { values: { shape: number[] } }, columns: number): number {
  return inputs.values.shape[0] * columns;
}

/** Multiply-adds per chunk aimed at: enough that claiming and copying stay small beside it. */
const CHUNK_WORK = 2 ** 20;

/**
 * Chunks for a job of `work` multiply-adds: one per thread, or with `perThread` > 1 up to that
 * many per thread for jobs large enough, so that a thread the OS runs late takes fewer of them.
 */
export function chunkCount(pool: ThreadPool, work: number, perThread = 3): number {
  const threads = pool.size + 1;
  return Math.min(MAX_CHUNKS, perThread * threads, Math.max(threads, Math.floor(work / CHUNK_WORK)));
}

/**
 * The prepared operand from unit (row, BSR block row) u0 on: CSR/BSR row pointers hold absolute
 * entry numbers, so the pointer moves; the N:M kernels count entries from their first row, so
 * offsets and values move instead. (worker.mjs does the same on its copy.)
 */
export function operandFrom(op: PreparedOperand, view: OperandView, u0: number): PreparedOperand {
  if (kindCode(op) !== 2) return { ...op, rowPtr: op.rowPtr + u0 * 4 };
  const e = u0 * view.perRow * 4;
  return { ...op, offs: op.offs + e, vals: op.vals + e };
}

/** Bias pointer from unit u0 on (0 stays 0: no bias). */
export const biasFrom = (bias: number, view: OperandView, u0: number) =>
  bias ? bias + u0 * view.height * 4 : 0;
