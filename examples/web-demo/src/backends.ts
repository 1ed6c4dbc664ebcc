/**
 * The worker's backends: webgl (OffscreenCanvas), wasm with prunekit's kernels (training + sparse),
 * and webgpu where the browser has an adapter. tfjs falls back silently, so every switch is checked.
 */
import { registerAllKernels, trainKernelConfigs } from '@prunekit/backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendState } from './protocol.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});
// prunekit's kernels are registered before 'wasm' first starts, so their setup runs with it.
registerAllKernels();

/** Activates `name` and checks it really is the active backend. */
export async function activate(name: BackendName): Promise<boolean> {
  const ok = await tf.setBackend(name).catch(() => false);
  await tf.ready().catch(() => undefined);
  return ok && tf.getBackend() === name;
}

/** prunekit's training kernels that are the ones registered for 'wasm' right now. */
export function activePrunekitKernels(): string[] {
  return trainKernelConfigs()
    .filter((c) => tf.getKernel(c.kernelName, 'wasm') === c)
    .map((c) => c.kernelName);
}

/** Starts each backend once and says which work here (and, for wasm, which prunekit kernels are in). */
export async function probeBackends(names: readonly BackendName[]): Promise<Record<BackendName, BackendState>> {
  const out = {} as Record<BackendName, BackendState>;
  for (const name of ['webgl', 'wasm', 'webgpu'] as const) {
    if (!names.includes(name)) {
      out[name] = { available: false, note: 'not asked for' };
      continue;
    }
    if (name === 'webgpu' && !(globalThis.navigator as Navigator & { gpu?: unknown })?.gpu) {
      out[name] = { available: false, note: 'this browser has no navigator.gpu' };
      continue;
    }
    const ok = await activate(name);
    if (!ok) {
      out[name] = { available: false, note: `did not start (tfjs fell back to '${tf.getBackend()}')` };
      continue;
    }
    if (name === 'wasm') {
      const kernels = activePrunekitKernels();
      out[name] = { available: true, note: `SIMD; prunekit kernels: ${kernels.length} training`, prunekitKernels: kernels };
    } else {
      out[name] = { available: true, note: name === 'webgl' ? 'WebGL2 on an OffscreenCanvas' : 'WebGPU adapter' };
    }
  }
  return out;
}
