import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '@prunekit/core';
import { registerAllKernels } from './register_all_kernels.js';

/**
 * Activates tfjs's 'wasm' backend (SIMD) and registers prunekit's kernels for it: the sparse
 * kernels and the training kernels tfjs-backend-wasm lacks. Throws a BackendError instead of
 * silently running on another backend.
 */
export async function useBackend(): Promise<void> {
  registerAllKernels();
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new BackendError(
      `The 'wasm' backend did not start (active backend: '${tf.getBackend()}'). ` +
        `Check that @tensorflow/tfjs-backend-wasm can find its .wasm files, or use the 'cpu' backend.`,
    );
  }
}
