/** Examples run on tfjs's 'wasm' backend; prunekit's useBackend adds its sparse and gradient kernels. */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useBackend } from '@prunekit/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

/** Starts 'wasm' with prunekit's kernels and returns the active backend's name (always 'wasm'). */
export async function initWasmBackend(): Promise<string> {
  tf.env().set('PROD', true);
  await useBackend();
  return tf.getBackend();
}
