/**
 * The control block each worker shares with the main thread: Int32 slots in a SharedArrayBuffer,
 * one block of `BLOCK` slots per worker. The main thread writes a command and its arguments, bumps
 * `seq` and notifies; the worker runs it, writes `status` and sets `done = seq`. The layout travels to
 * the worker in `workerData`, so the worker script holds no copy of these numbers.
 */
export const SLOTS = {
  seq: 0,
  done: 1,
  cmd: 2,
  status: 3,
  args: 4,
} as const;

/** Int32 slots per worker (the args run from SLOTS.args to the end of the block). */
export const BLOCK = 32;

/** Commands. `messages` drains the worker's port (data buffer, weight loads and drops). */
export const CMD = {
  messages: 1,
  kn: 2,
  nk: 3,
  conv: 4,
  quit: 5,
} as const;

/** Operand formats as the worker sees them. */
export const FORMAT = { csr: 0, bsr: 1, nm: 2 } as const;

/** A weight slice sent once to a worker and kept there until dropped. */
export interface WeightSlice {
  format: number;
  /** Rows (CSR, N:M) or block rows (BSR) in this slice. */
  units: number;
  blockRows: number;
  blockCols: number;
  n: number;
  m: number;
  /** Entries per row for N:M (cols / m · n); 0 otherwise. */
  perRow: number;
  /** Row pointers rebased to the slice (CSR, BSR); empty for N:M. */
  rowPtr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  /** Bias of the slice's output rows, or empty. */
  bias: Float32Array;
}

/** Messages the main thread posts on a worker's port before a `messages` command. */
export type PoolMessage =
  | { type: 'data'; buffer: SharedArrayBuffer }
  | { type: 'load'; id: number; slice: WeightSlice }
  | { type: 'drop'; id: number };
