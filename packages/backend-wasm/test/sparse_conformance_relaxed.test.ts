// The conformance cases on the relaxed-SIMD build (fused multiply-adds). Node 20 validates that
// build only with V8's relaxed-SIMD flag, which this file turns on before the module is first used.
import v8 from 'node:v8';
import { sparseConv2d, sparseFromDense, sparseMatMul, toSparseTensors } from '@prunekit/sparse';
import { describeSparseKernelConformance, type SparseKernelApi } from '@prunekit/test-utils';
import { expect, it } from 'vitest';
import { sparseBuild, useBackend } from '../src/index.js';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const api = { sparseFromDense, toSparseTensors, sparseMatMul, sparseConv2d } as unknown as SparseKernelApi;

it('picks the relaxed-SIMD build where the engine validates it', () => {
  expect(sparseBuild()).toBe('relaxed-simd');
});
describeSparseKernelConformance('wasm', api, { setup: useBackend, label: 'relaxed-SIMD build' });
