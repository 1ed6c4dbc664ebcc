/**
 * The one backend start-up of the CLI, the examples and the benchmarks: 'wasm' with prunekit's
 * kernels (useBackend) or tfjs's pure-JS 'cpu', with prunekit's cpu sparse kernels registered
 * either way (so a sparse model runs on both) and the active backend checked afterwards.
 */
import { BackendError } from '@prunekit/core';
import { registerCpuSparseKernels } from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';
import { type UseBackendOptions, useBackend } from './use_backend.js';

/** The backends startBackend() can start: 'wasm' with prunekit's kernels, or tfjs's 'cpu'. */
export type StartBackendName = 'wasm' | 'cpu';

/** Starts `name` and returns it; throws a BackendError when tfjs ends up on another backend. */
export async function startBackend(
  name: StartBackendName = 'wasm',
  opts: UseBackendOptions = {},
): Promise<StartBackendName> {
  tf.env().set('PROD', true); // no banner (IS_TEST would also check every kernel for leaks)
  registerCpuSparseKernels();
  if (name === 'wasm') await useBackend(opts);
  else {
    if (!tf.findBackendFactory('cpu')) {
      throw new BackendError(
        "The 'cpu' backend is not registered: import '@tensorflow/tfjs-backend-cpu' before startBackend('cpu').",
        { backend: name },
      );
    }
    await tf.setBackend('cpu');
  }
  await tf.ready();
  if (tf.getBackend() !== name) {
    throw new BackendError(`Backend '${name}' did not start (active: '${tf.getBackend()}').`, {
      backend: name,
    });
  }
  return name;
}
