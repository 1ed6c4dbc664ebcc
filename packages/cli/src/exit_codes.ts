/** Exit codes of the prunekit command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** Unexpected failure (a bug, or an error prunekit has no type for). */
  internal: 1,
  /** Bad command line or recipe: nothing was written. */
  usage: 2,
  /** The run finished but a guard (e.g. guard.maxAccuracyDrop) failed; outputs are written. */
  guard: 3,
  /** The model or data could not be read or processed (a typed prunekit error). */
  input: 4,
  /** An output could not be written (a filesystem fault: permissions, full disk, bad path); nothing was replaced. */
  output: 5,
} as const;

/** One of the numeric exit codes in EXIT (0 ok … 5 output). */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
