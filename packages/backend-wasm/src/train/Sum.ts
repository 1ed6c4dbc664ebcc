// Wraps tfjs-wasm's Sum for the reduction every bias gradient runs: summing a float32 tensor over
// its leading axes (NHWC dy over N, H, W). tfjs-wasm transposes the reduced axes to the end first;
// an earlier version here ran ones[1, M] · x[M, C] on XNNPACK, which repacks x as matmul weights
// on every call. Now one SIMD column sum (assembly/train/column_sum.ts) reads x once, in place.
// Every other Sum goes to the original kernel.
import {
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Arena } from './train_module.js';

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
    const rows = util.sizeFromShape(x.shape.slice(0, k));
    const rest = x.shape.slice(k);
    const a = new Arena(backend);
    const out = a.output(attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest);
    a.mod.columnSum(a.at(x), out.at, rows, util.sizeFromShape(rest));
    return out.info;
  };
  return { ...original, kernelFunc: kernelFunc as unknown as KernelFunc };
}
