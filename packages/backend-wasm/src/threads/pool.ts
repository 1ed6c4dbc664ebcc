import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { BackendError } from '@prunekit/core';
import { BLOCK, CMD, FORMAT, type PoolMessage, SLOTS, type WeightSlice } from './protocol.js';

const WORKER_URL = new URL('../../src/threads/worker.mjs', import.meta.url);

/**
 * N worker threads, each with its own instance of the sparse kernel module, driven synchronously
 * from the main thread: `start` hands a worker a command, `wait` blocks (Atomics.wait) until it is
 * done. Activations and results travel through one SharedArrayBuffer (`data`) that the caller lays
 * out per call. Workers are unref'd once started, so a forgotten pool never keeps the process alive.
 */
export class ThreadPool {
  readonly size: number;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly seq: number[] = [];
  private readonly exited: Promise<number>[] = [];
  private readonly online: Promise<void>[] = [];
  private dataBuffer = new SharedArrayBuffer(0);
  private nextId = 1;
  private closed = false;

  constructor(module: WebAssembly.Module, size: number) {
    this.size = size;
    this.control = new Int32Array(new SharedArrayBuffer(size * BLOCK * 4));
    for (let i = 0; i < size; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_URL, {
        workerData: {
          module,
          port: port2,
          control: this.control.buffer,
          index: i,
          block: BLOCK,
          slots: SLOTS,
          cmds: CMD,
          formats: FORMAT,
        },
        transferList: [port2],
      });
      port1.unref();
      this.exited.push(new Promise((resolve) => worker.once('exit', resolve)));
      this.online.push(
        new Promise((resolve, reject) => {
          // Unref'd once running: until then the loop must stay up for this promise.
          worker.once('online', () => {
            worker.unref();
            resolve();
          });
          worker.once('error', (e) =>
            reject(new BackendError(`Sparse kernel thread ${i} did not start: ${e.message}`)),
          );
        }),
      );
      this.workers.push(worker);
      this.ports.push(port1);
      this.seq.push(0);
    }
  }

  /** Resolves once every worker runs (rejects if one failed to start). */
  async ready(): Promise<void> {
    await Promise.all(this.online);
  }

  /** The shared buffer activations and results pass through, at least `bytes` long. */
  data(bytes: number): SharedArrayBuffer {
    if (this.dataBuffer.byteLength < bytes) {
      // Grow by half again so that a sequence of slightly larger calls does not re-send each time.
      const buffer = new SharedArrayBuffer(Math.ceil((bytes * 1.5) / 64) * 64);
      this.dataBuffer = buffer;
      this.broadcast({ type: 'data', buffer });
    }
    return this.dataBuffer;
  }

  /** Sends weight slices (one per worker) and returns their id, valid on every worker. */
  load(slices: readonly WeightSlice[]): number {
    const id = this.nextId++;
    slices.forEach((slice, i) => {
      this.post(i, { type: 'load', id, slice });
    });
    this.flush();
    return id;
  }

  /** Forgets the weights with this id on every worker. */
  drop(id: number): void {
    for (let i = 0; i < this.size; i++) this.post(i, { type: 'drop', id });
    this.flush();
  }

  /** Hands worker `i` a command; returns at once. */
  start(i: number, cmd: number, args: readonly number[]): void {
    this.assertOpen();
    const base = i * BLOCK;
    this.control[base + SLOTS.cmd] = cmd;
    this.control.set(args, base + SLOTS.args);
    this.seq[i]++;
    Atomics.store(this.control, base + SLOTS.seq, this.seq[i]);
    Atomics.notify(this.control, base + SLOTS.seq);
  }

  /** Blocks until worker `i` has finished its command; throws what the worker reported. */
  wait(i: number): void {
    const base = i * BLOCK;
    for (;;) {
      const done = Atomics.load(this.control, base + SLOTS.done);
      if (done === this.seq[i]) break;
      Atomics.wait(this.control, base + SLOTS.done, done);
    }
    if (this.control[base + SLOTS.status] !== 0) {
      const msg = receiveMessageOnPort(this.ports[i])?.message as { error?: string } | undefined;
      throw new BackendError(
        `Sparse kernel thread ${i} failed: ${msg?.error ?? 'no message'}. Dispose the threads ` +
          '(the disposer useThreads returned) and run single-threaded.',
      );
    }
  }

  /** Stops every worker; resolves with their exit codes once all have exited. */
  async close(): Promise<number[]> {
    if (!this.closed) {
      for (let i = 0; i < this.size; i++) this.start(i, CMD.quit, []);
      this.closed = true;
      // Ref'd again so that the event loop stays up until the exits this promise waits for.
      for (const w of this.workers) {
        w.ref();
        void w.terminate();
      }
      for (const p of this.ports) p.close();
    }
    return Promise.all(this.exited);
  }

  private post(i: number, msg: PoolMessage): void {
    this.assertOpen();
    this.ports[i].postMessage(msg);
  }

  private broadcast(msg: PoolMessage): void {
    for (let i = 0; i < this.size; i++) this.post(i, msg);
    this.flush();
  }

  /** Has every worker read its queued messages, synchronously. */
  private flush(): void {
    for (let i = 0; i < this.size; i++) this.start(i, CMD.messages, []);
    for (let i = 0; i < this.size; i++) this.wait(i);
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new BackendError('The sparse kernel threads were disposed: call useThreads() again to use them.');
    }
  }
}
