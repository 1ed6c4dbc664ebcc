import type { WasmBackendLike } from './wasm_backend.js';

const ALIGN = 64;
const MIN_CHUNK = 1 << 16;

/**
 * Scratch for one kernel call that outlives the call: buffers come from chunks malloc'd once per
 * backend and handed out again on the next call, so a batch-1 layer does not pay the backend's
 * malloc and free for every panel and plane buffer (a JS→wasm call each, several per layer). The
 * chunks stay allocated (the most one call ever needed) for the backend's lifetime. Buffers are
 * 64-byte aligned (a panel row then starts on a cache line). Not reentrant: one call at a time.
 */
export class Workspace {
  private readonly chunks: { ptr: number; bytes: number }[] = [];
  private chunk = 0;
  private used = 0;

  constructor(private readonly backend: WasmBackendLike) {}

  /** Starts a call: every buffer handed out before is free again. */
  reset(): this {
    this.chunk = 0;
    this.used = 0;
    return this;
  }

  /** `count` 4-byte slots (plus 16 bytes of slack so vector loads past the end stay inside). */
  alloc(count: number): number {
    const bytes = Math.ceil((Math.max(4, count) * 4 + 16) / ALIGN) * ALIGN;
    for (; this.chunk < this.chunks.length; this.chunk++, this.used = 0) {
      const c = this.chunks[this.chunk];
      if (this.used + bytes <= c.bytes) {
        const p = c.ptr + this.used;
        this.used += bytes;
        return p;
      }
    }
    const size = Math.max(bytes, MIN_CHUNK);
    const raw = this.backend.wasm._malloc(size + ALIGN) >>> 0;
    const ptr = Math.ceil(raw / ALIGN) * ALIGN;
    this.chunks.push({ ptr, bytes: size });
    this.used = bytes;
    return ptr;
  }
}

const workspaces = new WeakMap<WasmBackendLike, Workspace>();

/** The backend's workspace, reset for a new call. */
export function workspaceFor(backend: WasmBackendLike): Workspace {
  let w = workspaces.get(backend);
  if (!w) {
    w = new Workspace(backend);
    workspaces.set(backend, w);
  }
  return w.reset();
}
