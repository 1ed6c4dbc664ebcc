/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise (logs, CI, pipes). */
import type { CliIO } from './io.js';

/** Where a command reports what it is doing (messages, warnings and a per-task progress bar). */
export interface Progress {
  /** A message line (kept in the scrollback on a TTY). */
  log(line: string): void;
  /** A line that explains a failing exit code: printed even with --quiet. */
  warn(line: string): void;
  /** Current position `done` of `total` for a task label. */
  tick(label: string, done: number, total: number): void;
  /** Clears a bar in progress. */
  done(): void;
}

const WIDTH = 28;

/**
 * A Progress writing to `io.stderr`: an in-place bar on a TTY, plain lines otherwise; `quiet` silences
 * all but `warn`.
 */
export function createProgress(io: CliIO, quiet = false): Progress {
  let barShown = false;
  let lastPlain = '';
  const clear = () => {
    if (barShown) io.stderr('\r\x1b[2K');
    barShown = false;
  };
  return {
    log(line) {
      if (quiet) return;
      clear();
      io.stderr(`${line}\n`);
    },
    warn(line) {
      clear();
      io.stderr(`${line}\n`);
    },
    tick(label, done, total) {
      if (quiet) return;
      const f = total > 0 ? Math.min(1, done / total) : 1;
      if (io.tty) {
        const full = Math.round(f * WIDTH);
        io.stderr(
          `\r\x1b[2K[${'#'.repeat(full)}${'-'.repeat(WIDTH - full)}] ${String(Math.round(f * 100)).padStart(3)}% ${label}`,
        );
        barShown = true;
      } else {
        // Plain mode: one line per task and step, never a redraw.
        const line = `${label}: ${done}/${total}`;
        if (line !== lastPlain) io.stderr(`${line}\n`);
        lastPlain = line;
      }
    },
    done() {
      if (quiet) return;
      clear();
    },
  };
}
