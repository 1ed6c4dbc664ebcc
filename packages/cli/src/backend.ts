/** Backend start-up: 'wasm' with prunekit's kernels (fast training) or the pure-JS 'cpu'. */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@prunekit/core';
import { useBackend } from '@prunekit/backend-wasm';
import { registerCpuSparseKernels } from '@prunekit/sparse';

export async function initBackend(name: 'wasm' | 'cpu'): Promise<string> {
  tf.env().set('PROD', true);
  registerCpuSparseKernels();
  if (name === 'wasm') await useBackend();
  else await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== name) {
    throw new BackendError(`Backend '${name}' did not start (active: '${tf.getBackend()}').`, {
      backend: name,
    });
  }
  return name;
}
