/** The example runs on tfjs's 'wasm' backend (prunekit's useBackend registers its kernels). */
import '@tensorflow/tfjs-backend-cpu';
import { useBackend } from '@prunekit/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

export async function initBackend(): Promise<string> {
  tf.env().set('PROD', true);
  await useBackend();
  return tf.getBackend();
}
