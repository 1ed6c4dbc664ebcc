import { BackendError } from '@prunekit/core';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm the sparse kernels use. */
export interface WasmBackendLike {
  dataIdMap: { get(id: DataId): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  wasm: {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    HEAPU8: Uint8Array;
  };
}

/**
 * The backend's WebAssembly.Memory. The SIMD (non-threaded) build exposes it as `asm.memory`; the
 * threaded build as `wasmMemory`.
 */
export function backendMemory(backend: WasmBackendLike): WebAssembly.Memory {
  const m = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!(m instanceof WebAssembly.Memory)) {
    throw new BackendError(
      'tfjs-backend-wasm exposes no WebAssembly.Memory (looked at wasm.wasmMemory and wasm.asm.memory); ' +
        'this @tensorflow/tfjs-backend-wasm build is not supported by the sparse kernels.',
    );
  }
  return m;
}

/** Byte address of a tensor's data inside the backend's heap. */
export function addressOf(backend: WasmBackendLike, t: TensorInfo | undefined): number {
  return t ? backend.dataIdMap.get(t.dataId).memoryOffset : 0;
}

/** Scratch buffers from the backend's malloc, freed together. */
export class Scratch {
  private readonly ptrs: number[] = [];
  constructor(private readonly backend: WasmBackendLike) {}
  /** `count` 4-byte slots (plus 16 bytes of slack so vector loads past the end stay inside). */
  alloc(count: number): number {
    const p = this.backend.wasm._malloc(Math.max(4, count) * 4 + 16) >>> 0;
    this.ptrs.push(p);
    return p;
  }
  free(): void {
    for (const p of this.ptrs) this.backend.wasm._free(p);
    this.ptrs.length = 0;
  }
  /** Hands the buffers over to the caller (who frees them later) instead of freeing them. */
  release(): number[] {
    return this.ptrs.splice(0);
  }
}
