// Loads build/train.wasm (the AssemblyScript training kernels) on tfjs-backend-wasm's own memory,
// so kernels read their inputs and write their outputs in place: no copies in or out. The module
// imports that memory and has no data segments; scratch buffers come from the backend's malloc.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelBytes } from '../kernel_files.js';
import { type WasmBackendLike, addressOf, backendMemory } from '../sparse/wasm_backend.js';

type Ptr = number;
export interface TrainExports {
  padChannels(src: Ptr, dst: Ptr, rows: number, c: number, cPad: number): void;
  unpadChannels(src: Ptr, dst: Ptr, rows: number, c: number, cPad: number): void;
  conv2dBackpropFilter(x: Ptr, dy: Ptr, dw: Ptr, ...dims: number[]): void;
  depthwiseBackpropInput(dy: Ptr, f: Ptr, dx: Ptr, ...dims: number[]): void;
  depthwiseBackpropFilter(x: Ptr, dy: Ptr, dw: Ptr, ...dims: number[]): void;
  maxPoolGrad(x: Ptr, dy: Ptr, dx: Ptr, ...dims: number[]): void;
  flipFilter(src: Ptr, dst: Ptr, kh: number, kw: number, ci: number, co: number): void;
  unsortedSegmentSum(x: Ptr, ids: Ptr, out: Ptr, n: number, d: number, segments: number): void;
  columnSum(x: Ptr, out: Ptr, rows: number, cols: number): void;
  addBias(x: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number): void;
  reluGrad(dy: Ptr, x: Ptr, out: Ptr, n: number): void;
}

let compiled: WebAssembly.Module | null = null;
const instances = new WeakMap<WebAssembly.Memory, TrainExports>();

function compile(): WebAssembly.Module {
  if (compiled != null) return compiled;
  compiled = new WebAssembly.Module(kernelBytes('train.wasm'));
  return compiled;
}

/** The kernel module instantiated on `backend`'s memory (once per memory). */
export function trainModule(backend: BackendWasm): TrainExports {
  const memory = backendMemory(backend as unknown as WasmBackendLike);
  const cached = instances.get(memory);
  if (cached != null) return cached;
  const instance = new WebAssembly.Instance(compile(), { env: { memory } });
  const exports = instance.exports as unknown as TrainExports;
  instances.set(memory, exports);
  return exports;
}

/**
 * The addresses one kernel call works on: tensors in place, outputs made by the backend, scratch
 * from its malloc (freed by `free()`, which callers run in `finally`).
 */
export class Arena {
  readonly mod: TrainExports;
  private readonly scratch: Ptr[] = [];
  private readonly heap: WasmBackendLike;
  constructor(private readonly backend: BackendWasm) {
    this.mod = trainModule(backend);
    this.heap = backend as unknown as WasmBackendLike;
  }

  /** Byte address of a tensor's data (read in place: kernels never write their inputs). */
  at(t: TensorInfo): Ptr {
    return addressOf(this.heap, t);
  }

  /** A scratch buffer of `floats` f32s (plus slack so a vector load past the end stays inside). */
  alloc(floats: number): Ptr {
    const p = this.heap.wasm._malloc(Math.max(1, floats) * 4 + 16) >>> 0;
    this.scratch.push(p);
    return p;
  }

  /** A new float32 tensor of `shape` for the kernel to fill, and its address. */
  output(shape: number[]): { info: TensorInfo; at: Ptr } {
    const info = this.backend.makeOutput(shape, 'float32');
    return { info, at: this.at(info) };
  }

  free(): void {
    for (const p of this.scratch) this.heap.wasm._free(p);
    this.scratch.length = 0;
  }
}

export const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;
