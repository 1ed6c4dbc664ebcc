/**
 * Shared-memory protocol between the main thread and the pool's workers (Int32 slots in
 * SharedArrayBuffers). Its layout travels to the workers in `workerData`, so the worker script holds
 * no copy of these numbers.
 *
 * - One **job block** all threads share. A job is split into `count` chunks (runs of output rows, or
 *   of samples/pixels); `word` holds the job's tag and the next unclaimed chunk, and every thread —
 *   the main thread included — claims chunks with compare-and-swap until none are left, so a worker
 *   the OS does not schedule simply takes fewer chunks. `completed` counts finished chunks; the main
 *   thread waits on it. `wake` is bumped (and notified) for every job and every command.
 * - One **command block** per worker for rare, acknowledged commands (read queued messages, quit):
 *   the main thread bumps `seq`, the worker answers with `done = seq`.
 */
export const JOB = {
  wake: 0,
  /** (tag << TAG_SHIFT) | next chunk. */
  word: 1,
  completed: 2,
  /** Nonzero once a worker failed a chunk of the current job (its message is on its port). */
  failed: 3,
  /** Job number, increasing: a worker prepares its inputs once per job. */
  serial: 4,
  cmd: 5,
  count: 6,
  args: 8,
  /** Chunk boundaries: count + 1 ints. */
  cuts: 32,
} as const;
/** Most chunks per job. */
export const MAX_CHUNKS = 64;
export const JOB_SLOTS = JOB.cuts + MAX_CHUNKS + 1;
export const TAG_SHIFT = 20;

export const SLOTS = { seq: 0, done: 1, cmd: 2, status: 3 } as const;
/** Int32 slots per worker command block. */
export const BLOCK = 4;

/** Job and command codes. */
export const CMD = {
  messages: 1,
  kn: 2,
  nk: 3,
  conv: 4,
  quit: 5,
} as const;

/** Operand formats as the worker sees them. */
export const FORMAT = { csr: 0, bsr: 1, nm: 2 } as const;

/** A sparse operand sent once to every worker and kept there until dropped. */
export interface WeightSlice {
  format: number;
  /** Rows (CSR, N:M) or block rows (BSR). */
  units: number;
  blockRows: number;
  blockCols: number;
  n: number;
  m: number;
  /** Entries per row for N:M (cols / m · n); 0 otherwise. */
  perRow: number;
  /** Row pointers (CSR, BSR); empty for N:M. */
  rowPtr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  /** Bias per output row, or empty. */
  bias: Float32Array;
}

/** Messages the main thread posts on a worker's port before a `messages` command. */
export type PoolMessage =
  | { type: 'data'; buffer: SharedArrayBuffer }
  | { type: 'load'; id: number; slice: WeightSlice }
  | { type: 'drop'; id: number };
