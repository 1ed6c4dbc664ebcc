import { BackendError } from '@prunekit/core';
import type { AdapterStrategy } from './adapter_strategies.js';

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: DawnModule | undefined;

/**
 * Loads Dawn (npm `webgpu`) and puts the WebGPU classes (GPUBufferUsage, GPUShaderStage, …) on
 * globalThis, as a browser has them. This has to happen before @tensorflow/tfjs-backend-webgpu is
 * imported: that module checks `navigator.gpu` once, at load time.
 */
export async function loadDawn(): Promise<DawnModule> {
  if (!dawn) {
    let mod: DawnModule;
    try {
      mod = (await import('webgpu')) as unknown as DawnModule;
    } catch (e) {
      // An optional peer: browser users of this package never install Dawn (~130 MB).
      throw new BackendError(
        "WebGPU in Node needs Dawn from npm's `webgpu` package (an optional peer of " +
          '@prunekit/backend-node-gpu): npm install webgpu@0.6.2. In a browser, import from ' +
          "'@prunekit/backend-node-gpu/browser' instead.",
        { missing: 'webgpu', cause: (e as Error).message },
      );
    }
    Object.assign(globalThis, mod.globals);
    dawn = mod;
  }
  return dawn;
}

/** Points `navigator.gpu` at a Dawn instance (Node has a `navigator` without `gpu` since v21). */
export function installNavigatorGpu(gpu: GPU): void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav && Object.isExtensible(nav)) {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
}

export interface AdapterAttempt {
  readonly adapter?: GPUAdapter;
  readonly gpu?: GPU;
  readonly reason?: string;
}

/**
 * Asks Dawn for an adapter the way one strategy says. The strategy's environment is set only
 * while Dawn creates its instance and enumerates adapters (the driver loaders read it then).
 */
export async function requestAdapter(strategy: AdapterStrategy): Promise<AdapterAttempt> {
  const { create } = await loadDawn();
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(strategy.env ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    const gpu = create([...strategy.dawnOptions]);
    const adapter = await gpu.requestAdapter(strategy.request as GPURequestAdapterOptions);
    if (!adapter) return { reason: 'Dawn found no adapter' };
    const rejected = strategy.reject(adapter.info);
    return rejected ? { reason: rejected } : { adapter, gpu };
  } catch (e) {
    return { reason: (e as Error).message };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
