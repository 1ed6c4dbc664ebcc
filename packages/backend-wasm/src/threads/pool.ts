import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { BackendError } from '@prunekit/core';
import {
  BLOCK,
  CMD,
  FORMAT,
  JOB,
  JOB_SLOTS,
  MAX_CHUNKS,
  type PoolMessage,
  SLOTS,
  TAG_SHIFT,
  type WeightSlice,
} from './protocol.js';

const WORKER_URL = new URL('../../src/threads/worker.mjs', import.meta.url);
const NEXT_MASK = (1 << TAG_SHIFT) - 1;

/**
 * N worker threads, each with its own instance of the sparse kernel module, driven synchronously
 * from the main thread. `run` publishes a job split into chunks; the main thread and the workers
 * claim chunks until none are left (see protocol.ts), then the main thread blocks (Atomics.wait)
 * until the chunks workers took are finished. Activations and results travel through one
 * SharedArrayBuffer (`data`) the caller lays out per job. Workers are unref'd once started, so a
 * forgotten pool never keeps the process alive.
 */
export class ThreadPool {
  readonly size: number;
  private readonly job = new Int32Array(new SharedArrayBuffer(JOB_SLOTS * 4));
  private readonly commands: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly seq: number[] = [];
  private readonly online: Promise<void>[] = [];
  private readonly exited: Promise<number>[] = [];
  private dataBuffer = new SharedArrayBuffer(0);
  private nextId = 1;
  private serial = 0;
  private closed = false;
  /** How long the main thread spins on the completion count before it sleeps (ms). */
  spinMs = 0;

  constructor(module: WebAssembly.Module, size: number) {
    this.size = size;
    this.commands = new Int32Array(new SharedArrayBuffer(size * BLOCK * 4));
    const layout = { JOB, SLOTS, BLOCK, CMD, FORMAT, TAG_SHIFT };
    for (let i = 0; i < size; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_URL, {
        workerData: {
          module,
          port: port2,
          jobBuffer: this.job.buffer,
          commandBuffer: this.commands.buffer,
          index: i,
          layout,
        },
        transferList: [port2],
      });
      port1.unref();
      this.online.push(
        new Promise((resolve, reject) => {
          // Unref'd once running: until then the event loop must stay up for this promise.
          worker.once('online', () => {
            worker.unref();
            resolve();
          });
          worker.once('error', (e) =>
            reject(new BackendError(`Sparse kernel thread ${i} did not start: ${e.message}`)),
          );
        }),
      );
      this.exited.push(new Promise((resolve) => worker.once('exit', resolve)));
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
      // Half again as large, so that slightly larger calls that follow do not re-send it.
      const buffer = new SharedArrayBuffer(Math.ceil((bytes * 1.5) / 64) * 64);
      this.dataBuffer = buffer;
      for (let i = 0; i < this.size; i++) this.post(i, { type: 'data', buffer });
      this.command(CMD.messages);
    }
    return this.dataBuffer;
  }

  /** Sends a sparse operand to every worker; returns its id there. */
  load(slice: WeightSlice): number {
    const id = this.nextId++;
    for (let i = 0; i < this.size; i++) this.post(i, { type: 'load', id, slice });
    this.command(CMD.messages);
    return id;
  }

  /** Forgets the operand with this id on every worker. */
  drop(id: number): void {
    for (let i = 0; i < this.size; i++) this.post(i, { type: 'drop', id });
    this.command(CMD.messages);
  }

  /**
   * Runs a job of `cuts.length − 1` chunks (chunk c covers [cuts[c], cuts[c+1])): publishes it, runs
   * `onMain(c)` for every chunk the main thread claims, waits for the rest. Returns, per chunk,
   * whether the main thread ran it (the others' results are in the data buffer). With
   * `mainWorks` false the main thread only waits.
   */
  run(
    cmd: number,
    args: readonly number[],
    cuts: readonly number[],
    onMain: (c: number) => void,
    mainWorks = true,
  ): boolean[] {
    this.assertOpen();
    const count = cuts.length - 1;
    if (count < 1 || count > MAX_CHUNKS || args.length > JOB.cuts - JOB.args) {
      throw new BackendError(
        `ThreadPool.run: ${count} chunks / ${args.length} arguments do not fit the job block.`,
      );
    }
    const job = this.job;
    // Close the previous job first: a worker holding its word now fails its compare-and-swap
    // instead of claiming a chunk number past the old count once the new count is written.
    Atomics.store(job, JOB.word, NEXT_MASK);
    job[JOB.cmd] = cmd;
    job[JOB.count] = count;
    job[JOB.serial] = ++this.serial;
    job.set(args, JOB.args);
    job.set(cuts, JOB.cuts);
    Atomics.store(job, JOB.completed, 0);
    Atomics.store(job, JOB.failed, 0);
    // Publishing the word opens the job: everything above is visible to a thread that reads it.
    Atomics.store(job, JOB.word, (this.serial & 0x7ff) << TAG_SHIFT);
    this.wake();
    const mine = new Array<boolean>(count).fill(false);
    let error: unknown;
    for (let c = mainWorks ? this.claim(count) : -1; c >= 0; c = this.claim(count)) {
      try {
        onMain(c);
      } catch (e) {
        error ??= e;
      }
      mine[c] = true;
      Atomics.add(job, JOB.completed, 1);
    }
    this.waitCompleted(count);
    if (error) throw error;
    if (job[JOB.failed]) throw this.workerError('a chunk');
    return mine;
  }

  /** Stops every worker; resolves once all have exited. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.command(CMD.quit);
      this.closed = true;
      // Ref'd again so that the event loop stays up until the exits this promise waits for.
      for (const w of this.workers) {
        w.ref();
        void w.terminate();
      }
      for (const p of this.ports) p.close();
    }
    await Promise.all(this.exited);
  }

  /**
   * Waits until `count` chunks are done: spins first (a worker finishing its last chunk is usually
   * close behind), then sleeps. On a busy machine a sleeping main thread waits for the scheduler to
   * run it again after the wake-up, which can cost more than the chunk itself.
   */
  private waitCompleted(count: number): void {
    const job = this.job;
    const until = performance.now() + this.spinMs;
    while (Atomics.load(job, JOB.completed) < count) {
      if (performance.now() > until) {
        for (
          let done = Atomics.load(job, JOB.completed);
          done < count;
          done = Atomics.load(job, JOB.completed)
        ) {
          Atomics.wait(job, JOB.completed, done);
        }
        return;
      }
    }
  }

  private claim(count: number): number {
    for (;;) {
      const word = Atomics.load(this.job, JOB.word);
      const next = word & NEXT_MASK;
      if (next >= count) return -1;
      if (Atomics.compareExchange(this.job, JOB.word, word, word + 1) === word) return next;
    }
  }

  private wake(): void {
    Atomics.add(this.job, JOB.wake, 1);
    Atomics.notify(this.job, JOB.wake);
  }

  /** Gives every worker a command and waits until each has acknowledged it. */
  private command(cmd: number): void {
    this.assertOpen();
    for (let i = 0; i < this.size; i++) {
      const base = i * BLOCK;
      this.commands[base + SLOTS.cmd] = cmd;
      Atomics.store(this.commands, base + SLOTS.seq, ++this.seq[i]);
    }
    this.wake();
    for (let i = 0; i < this.size; i++) {
      const base = i * BLOCK;
      for (let done = Atomics.load(this.commands, base + SLOTS.done); done !== this.seq[i]; ) {
        Atomics.wait(this.commands, base + SLOTS.done, done);
        done = Atomics.load(this.commands, base + SLOTS.done);
      }
      if (this.commands[base + SLOTS.status] !== 0) throw this.workerError(`command ${cmd}`);
    }
  }

  private workerError(what: string): BackendError {
    const messages = this.ports.map(
      (p) => (receiveMessageOnPort(p)?.message as { error?: string } | undefined)?.error,
    );
    return new BackendError(
      `A sparse kernel thread failed ${what}: ${messages.filter(Boolean).join('; ') || 'no message'}. ` +
        'Dispose the threads (the handle useThreads returned) to run single-threaded.',
    );
  }

  private post(i: number, msg: PoolMessage): void {
    this.assertOpen();
    this.ports[i].postMessage(msg);
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new BackendError('The sparse kernel threads were disposed: call useThreads() again to use them.');
    }
  }
}
