import {
  type SparseConv2DAttrs,
  type SparseConv2DInputs,
  convOutSize,
  kernelNames,
  pooledSize,
} from '@prunekit/sparse';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { sparseConv2dWasmConfig } from '../sparse/SparseConv2D.js';
import { type ThreadsContext, storedWork } from './context.js';
import { rowsSplitConv } from './split_conv.js';
import { nSplitMatMul } from './split_n.js';
import type { ThreadedBackend } from './weight_cache.js';

/**
 * SparseConv2D on 'wasm' across the main thread and the pool. 1×1 stride-1 unpadded convs without
 * a pool are a matMul over pixels, split by pixels; other stride-1 convs split output channels per
 * image. Strided convs, and calls below `ctx.minWork`, run the single-threaded kernel.
 */
export function threadedSparseConv2dConfig(ctx: ThreadsContext): KernelConfig {
  const single = sparseConv2dWasmConfig.kernelFunc;
  const kernelFunc = (args: {
    inputs: SparseConv2DInputs;
    attrs: SparseConv2DAttrs;
    backend: ThreadedBackend;
  }) => {
    const { inputs, attrs: a, backend } = args;
    const [batch, h, w] = inputs.x.shape;
    const [ho, wo] = convOutSize(a, h, w);
    const unit = a.strides[0] === 1 && a.strides[1] === 1;
    const pooling = a.pool[0] !== 1 || a.pool[1] !== 1;
    const pointwise =
      unit && a.filterHeight === 1 && a.filterWidth === 1 && !pooling && a.pad.every((p) => p === 0);
    const pixels = batch * ho * (pointwise ? wo : wo + (a.filterWidth - 1) * a.dilations[1]);
    if (!unit || batch * ho * wo * a.rows === 0 || storedWork(inputs, pixels) < ctx.minWork) {
      return single(args as unknown as Parameters<KernelFunc>[0]);
    }
    const [oh, ow] = pooledSize(a, ho, wo);
    const out = backend.makeOutput([batch, oh, ow, a.rows], 'float32');
    if (pointwise) nSplitMatMul(ctx, backend, a, inputs, batch * h * w, out);
    else rowsSplitConv(ctx, backend, a, inputs, out);
    return out;
  };
  return {
    ...sparseConv2dWasmConfig,
    kernelName: kernelNames.SparseConv2D,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
