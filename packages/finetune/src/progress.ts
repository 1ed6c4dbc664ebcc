import type { EpochLog } from './types.js';

/** Where progress goes: a writable with an optional TTY flag (process.stderr by default). */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * On a TTY: a one-line bar redrawn in place with `\r`. Otherwise: nothing per batch and one JSON
 * line per epoch, so logs stay greppable in CI. A dependency-free 30-line bar beats pulling a
 * progress library into every user's install.
 */
export class Progress {
  private lastDraw = 0;
  constructor(
    private readonly stream: ProgressStream,
    private readonly epochs: number,
  ) {}

  batch(epoch: number, batch: number, batches: number, loss: number): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (batch < batches && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 50));
    const filled = Math.round((batch / batches) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(
      `\repoch ${epoch + 1}/${this.epochs} ${bar} ${batch}/${batches} loss ${loss.toFixed(4)}\x1b[K`,
    );
  }

  epoch(log: EpochLog): void {
    if (this.stream.isTTY) {
      const parts = [
        `epoch ${log.epoch + 1}/${this.epochs}`,
        `loss ${log.loss.toFixed(4)}`,
        `acc ${log.acc.toFixed(4)}`,
      ];
      if (log.val_loss !== undefined) parts.push(`val_loss ${log.val_loss.toFixed(4)}`);
      if (log.val_acc !== undefined) parts.push(`val_acc ${log.val_acc.toFixed(4)}`);
      parts.push(`lr ${log.lr.toExponential(2)}`, `${log.seconds.toFixed(1)}s`);
      this.stream.write(`\r${parts.join('  ')}\x1b[K\n`);
    } else {
      this.stream.write(`${JSON.stringify({ event: 'epoch', ...log, epoch: log.epoch + 1 })}\n`);
    }
  }

  message(text: string): void {
    this.stream.write(
      this.stream.isTTY ? `\r${text}\x1b[K\n` : `${JSON.stringify({ event: 'info', message: text })}\n`,
    );
  }
}

/**
 * A Progress on `stream`, else on process.stderr where there is one (Node); in a browser without a
 * stream, none (pass `progress` or use `onEpoch` there).
 */
export function progressTo(stream: ProgressStream | undefined, epochs: number): Progress | undefined {
  const out = stream ?? (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
  return out ? new Progress(out, epochs) : undefined;
}
