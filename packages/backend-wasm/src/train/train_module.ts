// Loads build/train.wasm (the AssemblyScript training kernels) once, synchronously, and lays out
// per-call buffers in its memory. Inputs are copied in from tfjs-wasm's heap and results copied
// back: two separate memories, simple and safe (see README for what the copies cost).
import { readFileSync } from 'node:fs';
import { BackendError } from '@prunekit/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Ptr = number;
export interface TrainExports {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  padChannels(src: Ptr, dst: Ptr, rows: number, c: number, cPad: number): void;
  unpadChannels(src: Ptr, dst: Ptr, rows: number, c: number, cPad: number): void;
  conv2dBackpropFilter(x: Ptr, dy: Ptr, dw: Ptr, ...dims: number[]): void;
  depthwiseBackpropInput(dy: Ptr, f: Ptr, dx: Ptr, ...dims: number[]): void;
  depthwiseBackpropFilter(x: Ptr, dy: Ptr, dw: Ptr, ...dims: number[]): void;
  maxPoolGrad(x: Ptr, dy: Ptr, dx: Ptr, ...dims: number[]): void;
  unsortedSegmentSum(x: Ptr, ids: Ptr, out: Ptr, n: number, d: number, segments: number): void;
}

let loaded: TrainExports | null = null;

/** The instantiated kernel module (compiled on first use). */
export function trainModule(): TrainExports {
  if (loaded != null) return loaded;
  const url = new URL('../../build/train.wasm', import.meta.url);
  let bytes: ArrayBuffer;
  try {
    const file = readFileSync(url);
    bytes = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  } catch (e) {
    throw new BackendError(
      `prunekit's training kernels are not built: ${url.pathname} is missing. ` +
        `Run \`pnpm --filter @prunekit/backend-wasm build\` (or \`pnpm build\`).`,
      { file: url.pathname, cause: String(e) },
    );
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  loaded = instance.exports as unknown as TrainExports;
  return loaded;
}

/** Bump allocator over the kernel module's memory for the buffers of one call. */
export class Arena {
  private next: number;
  constructor(readonly mod: TrainExports = trainModule()) {
    this.next = mod.heapBase();
  }

  /** Reserves `floats` f32s (16-byte aligned) and returns the byte offset. */
  alloc(floats: number): Ptr {
    const at = (this.next + 15) & ~15;
    this.next = at + floats * 4;
    const have = this.mod.memory.buffer.byteLength;
    if (this.next > have) this.mod.memory.grow(Math.ceil((this.next - have) / 65536));
    return at;
  }

  /** Copies a float32 or int32 tensor from tfjs-wasm's heap into a fresh buffer here (bit for bit). */
  copyIn(backend: BackendWasm, t: TensorInfo): Ptr {
    const src = backend.typedArrayFromHeap(t);
    const at = this.alloc(src.length);
    new Uint8Array(this.mod.memory.buffer, at, src.byteLength).set(
      new Uint8Array(src.buffer, src.byteOffset, src.byteLength),
    );
    return at;
  }

  f32(at: Ptr, floats: number): Float32Array {
    return new Float32Array(this.mod.memory.buffer, at, floats);
  }

  /** Makes a tfjs-wasm output of `shape` holding the floats at `at`. */
  copyOut(backend: BackendWasm, at: Ptr, shape: number[]): TensorInfo {
    const out = backend.makeOutput(shape, 'float32');
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    dst.set(this.f32(at, dst.length));
    return out;
  }
}

export const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;
