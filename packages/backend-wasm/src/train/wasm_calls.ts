// Calls tfjs-backend-wasm's own kernels from inside a prunekit kernel. Composed kernels work on
// TensorInfo handles (no tf ops, so nothing lands on a gradient tape) and must free every
// intermediate they make; `Scratch` keeps that bookkeeping in one place.
import { type KernelFunc, type NamedAttrMap, type TensorInfo, getKernel } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '@prunekit/core';

/** Runs the 'wasm' kernel `name` on TensorInfos; the caller owns the returned TensorInfo. */
export function callWasm(
  backend: BackendWasm,
  name: string,
  inputs: Record<string, TensorInfo> | TensorInfo[],
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const config = getKernel(name, 'wasm');
  if (config == null) {
    throw new BackendError(
      `prunekit's training kernels need tfjs-backend-wasm's '${name}' kernel, which is not registered. ` +
        `Install @tensorflow/tfjs-backend-wasm 4.22.x.`,
      { kernel: name },
    );
  }
  const out = (config.kernelFunc as KernelFunc)({
    inputs: inputs as never,
    backend,
    attrs: attrs as NamedAttrMap,
  });
  return Array.isArray(out) ? out[0] : out;
}

/** Intermediates of one composed kernel call, freed together. */
export class Scratch {
  private readonly made: TensorInfo[] = [];
  constructor(readonly backend: BackendWasm) {}

  /** Runs a wasm kernel and remembers its output for `free()`. */
  run(
    name: string,
    inputs: Record<string, TensorInfo> | TensorInfo[],
    attrs: Record<string, unknown> = {},
  ): TensorInfo {
    const out = callWasm(this.backend, name, inputs, attrs);
    this.made.push(out);
    return out;
  }

  /** tfjs-wasm's Reshape shares the data id and bumps its refCount, so it is freed like any output. */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Frees `t` with the rest (an output made outside `run`). */
  track(t: TensorInfo): TensorInfo {
    this.made.push(t);
    return t;
  }

  /** Hands `t` to the caller: it will not be freed with the rest. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.made.indexOf(t);
    if (i >= 0) this.made.splice(i, 1);
    return t;
  }

  free(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}
