import * as tf from '@tensorflow/tfjs-core';
import type { DescribedBackendAdapter } from '@prunekit/core';
import { webglKernels } from './register_all_kernels.js';
import { useBackend, webglInfo } from './use_backend.js';

/** A BackendAdapter for selectBackend(): tfjs 'webgl' with prunekit's WebGL2 sparse programs. */
export function webglAdapter(): DescribedBackendAdapter {
  return {
    name: 'webgl',
    tfBackend: 'webgl',
    kernels: webglKernels,
    async isSupported() {
      return tf.env().getNumber('WEBGL_VERSION') >= 2;
    },
    whyUnsupported: () =>
      "WebGL2 is not available here (no canvas/WebGL2 context); use 'wasm' (@prunekit/backend-wasm) or 'cpu' instead",
    async init() {
      await useBackend();
    },
    info: () => webglInfo(),
  };
}
