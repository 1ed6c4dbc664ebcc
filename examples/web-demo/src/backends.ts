/**
 * The worker's backends: webgl (OffscreenCanvas) with prunekit's WebGL sparse kernels, wasm with
 * prunekit's kernels (training + sparse, fetched by URL), and webgpu where the browser has an
 * adapter. tfjs falls back silently, so every switch is checked (core's `activate` throws).
 */
import {
  addedTrainKernels,
  loadKernelFiles,
  registerAllKernels as registerWasmKernels,
  setKernelPaths,
  sparseBuild,
  trainKernelConfigs,
} from '@prunekit/backend-wasm';
import sparseRelaxedUrl from '@prunekit/backend-wasm/build/sparse-relaxed.wasm?url';
import sparseUrl from '@prunekit/backend-wasm/build/sparse.wasm?url';
import trainUrl from '@prunekit/backend-wasm/build/train.wasm?url';
import { registerAllKernels as registerWebglKernels } from '@prunekit/backend-webgl';
import { activate as activateOrThrow } from '@prunekit/core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendState } from './protocol.js';
import { webgpuMissing } from './webgpu.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});
setKernelPaths({ 'train.wasm': trainUrl, 'sparse.wasm': sparseUrl, 'sparse-relaxed.wasm': sparseRelaxedUrl });

let registered: Promise<void> | undefined;
/** Fetches prunekit's wasm kernels and registers every prunekit kernel, before a backend starts. */
export function registerKernels(): Promise<void> {
  registered ??= (async () => {
    await loadKernelFiles();
    registerWasmKernels();
    registerWebglKernels();
  })();
  return registered;
}

/** Activates `name`; false when it did not start (tfjs would have fallen back silently). */
export async function activate(name: BackendName): Promise<boolean> {
  return activateOrThrow(name).then(
    () => true,
    () => false,
  );
}

/**
 * prunekit's training kernels registered for 'wasm' right now: the ones stock tfjs-wasm lacks
 * (present at all means prunekit's) and the replacements (the registered config is prunekit's).
 */
export function activePrunekitKernels(): string[] {
  const added = new Set(addedTrainKernels().map((c) => c.kernelName));
  return trainKernelConfigs()
    .filter((c) => {
      const now = tf.getKernel(c.kernelName, 'wasm');
      return now === c || (now !== undefined && added.has(c.kernelName));
    })
    .map((c) => c.kernelName);
}

/** Starts `name` (after registering prunekit's kernels) and says whether and how it runs here. */
export async function startBackend(name: BackendName): Promise<BackendState> {
  await registerKernels();
  if (name === 'webgpu') {
    const why = await webgpuMissing();
    if (why) return { available: false, note: why };
  }
  if (!(await activate(name))) {
    return { available: false, note: `did not start (tfjs fell back to '${tf.getBackend()}')` };
  }
  if (name === 'wasm') {
    const kernels = activePrunekitKernels();
    return {
      available: true,
      note: `SIMD; prunekit kernels: ${kernels.length} training (incl. Conv2DBackpropFilter), sparse (${sparseBuild()})`,
      prunekitKernels: kernels,
    };
  }
  return { available: true, note: name === 'webgl' ? 'WebGL2 on an OffscreenCanvas' : 'WebGPU adapter' };
}
