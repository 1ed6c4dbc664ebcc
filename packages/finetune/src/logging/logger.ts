/** Receives metrics during training: every `logEvery` steps ('step') and after each epoch ('epoch'). */
export interface MetricsLogger {
  log(kind: 'step' | 'epoch', step: number, metrics: Readonly<Record<string, number>>): void;
  close(): void;
}
