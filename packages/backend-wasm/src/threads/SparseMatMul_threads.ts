import { type SparseMatMulAttrs, type SparseMatMulInputs, kernelNames } from '@prunekit/sparse';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { sparseMatMulWasmConfig } from '../sparse/SparseMatMul.js';
import { type ThreadsContext, storedWork } from './context.js';
import { nSplitMatMul } from './split_n.js';
import { rowsSplitMatMul } from './split_rows.js';
import type { ThreadedBackend } from './weight_cache.js';

/**
 * SparseMatMul on 'wasm' across the main thread and the pool: 'kn' split by output rows, 'nk' (a
 * Dense layer's input) split by samples. Calls below `ctx.minWork` run the single-threaded kernel.
 */
export function threadedSparseMatMulConfig(ctx: ThreadsContext): KernelConfig {
  const single = sparseMatMulWasmConfig.kernelFunc;
  const kernelFunc = (args: {
    inputs: SparseMatMulInputs;
    attrs: SparseMatMulAttrs;
    backend: ThreadedBackend;
  }) => {
    const { inputs, attrs: a, backend } = args;
    const kn = a.xLayout === 'kn';
    const n = inputs.x.shape[kn ? 1 : 0];
    if (a.rows === 0 || n === 0 || storedWork(inputs, n) < ctx.minWork) {
      return single(args as unknown as Parameters<KernelFunc>[0]);
    }
    const out = backend.makeOutput(kn ? [a.rows, n] : [n, a.rows], 'float32');
    if (kn) rowsSplitMatMul(ctx, backend, a, inputs, out);
    else nSplitMatMul(ctx, backend, a, inputs, n, out);
    return out;
  };
  return {
    ...sparseMatMulWasmConfig,
    kernelName: kernelNames.SparseMatMul,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
