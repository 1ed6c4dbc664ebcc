// Replaces tfjs-wasm's Step for float32 (the mask the Relu gradient multiplies dy by) with a SIMD
// compare-and-select that works in place (assembly/train/step.ts); other dtypes go to the original.
import {
  type KernelConfig,
  type KernelFunc,
  type StepAttrs,
  type TensorInfo,
  Step,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Arena } from './train_module.js';

export function makeStepConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc as KernelFunc;
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: StepAttrs }) => {
    const {
      inputs: { x },
      backend,
      attrs,
    } = args;
    if (x.dtype !== 'float32') return run(args as never);
    const a = new Arena(backend);
    const out = a.output(x.shape);
    a.mod.step(a.at(x), out.at, util.sizeFromShape(x.shape), attrs.alpha ?? 0);
    return out.info;
  };
  return {
    kernelName: Step,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
