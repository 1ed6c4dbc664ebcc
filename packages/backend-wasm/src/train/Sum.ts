// Wraps tfjs-wasm's Sum for the reduction every bias gradient runs: summing a float32 NHWC
// tensor over its leading axes (N, H, W). tfjs-wasm transposes the reduced axes to the end
// first; here the sum is ones[1, M] · x[M, C] on XNNPACK's matmul instead (measured 6–25x
// faster on the traffic-sign CNN's activations). Every other Sum goes to the original kernel.
import {
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
  Sum,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Scratch } from './wasm_calls.js';

/** How many leading axes `axis` names, when it names exactly axes 0..k−1 (k < rank); else 0. */
function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (a, b) => a - b,
  );
  if (axes.length === 0 || axes.length >= rank) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

export function makeSumConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc as KernelFunc;
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }) => {
    const {
      inputs: { x },
      backend,
      attrs,
    } = args;
    const k = x.dtype === 'float32' ? leadingAxes(attrs.axis, x.shape.length) : 0;
    if (k === 0) return run(args as never);
    const m = util.sizeFromShape(x.shape.slice(0, k));
    const rest = x.shape.slice(k);
    const c = util.sizeFromShape(rest);
    const s = new Scratch(backend);
    try {
      const ones = s.run('Fill', {}, { shape: [1, 1, m], value: 1, dtype: 'float32' });
      const x3 = s.reshape(x, [1, m, c]);
      const sum = s.run('BatchMatMul', { a: ones, b: x3 }, { transposeA: false, transposeB: false });
      const shape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest;
      return s.keep(s.reshape(sum, shape));
    } finally {
      s.free();
    }
  };
  return {
    kernelName: Sum,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
