/** The page's side of the worker: one promise per request, notices to a listener. */
import type { Notice, Reply, Request } from './protocol.js';

export class WorkerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

/** The worker that holds the models and trains (one per page). */
export const trainingWorker = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
/** A worker that only times forward passes on one backend (one per backend, so none disturbs another). */
export const benchWorker = () =>
  new Worker(new URL('./bench_worker.ts', import.meta.url), { type: 'module' });

export class WorkerClient<Req = Request> {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(
    private readonly worker: Worker,
    onNotice: (n: Notice) => void = () => {},
  ) {
    this.worker.onmessage = (e: MessageEvent<Reply | Notice>) => {
      const m = e.data;
      if ('id' in m) {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.ok) w?.resolve(m.value);
        else w?.reject(new WorkerError(m.error, m.code));
      } else onNotice(m);
    };
    this.worker.onerror = (e) => {
      for (const w of this.waiting.values()) w.reject(new WorkerError(`worker failed: ${e.message}`));
      this.waiting.clear();
    };
  }

  request<T>(req: Req): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req });
    });
  }
}
