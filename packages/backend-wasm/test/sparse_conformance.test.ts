import '@tensorflow/tfjs-backend-cpu';
import {
  registerCpuSparseKernels,
  sparseConv2d,
  sparseFromDense,
  sparseMatMul,
  toSparseTensors,
} from '@prunekit/sparse';
import { describeSparseKernelConformance, type SparseKernelApi } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/index.js';

const api = { sparseFromDense, toSparseTensors, sparseMatMul, sparseConv2d } as unknown as SparseKernelApi;

// The same cases on every backend that registers the sparse kernels.
describeSparseKernelConformance('cpu', api, {
  setup: async () => {
    registerCpuSparseKernels();
    await tf.setBackend('cpu');
  },
});
describeSparseKernelConformance('wasm', api, { setup: useBackend });
